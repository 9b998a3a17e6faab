/// Builds a ZIP archive of stored entries the way `torch.save` lays them out, for tests.
/// With `zip64`, every central entry saturates its sizes and offset and carries a ZIP64 extra
/// field, and the end record points to a ZIP64 end record, as large archives do.
struct ZipWriter {
  struct Entry {
    var name: String
    var data: [UInt8]
    /// Written into both headers; only 0 (stored) is readable.
    var method: UInt16 = 0
  }

  var entries: [Entry] = []
  var zip64 = false

  mutating func add(_ name: String, _ data: [UInt8], method: UInt16 = 0) {
    entries.append(Entry(name: name, data: data, method: method))
  }

  func bytes() -> [UInt8] {
    var out: [UInt8] = []
    var offsets: [Int] = []
    for entry in entries {
      offsets.append(out.count)
      let name = Array(entry.name.utf8)
      out.appendLittleEndian(UInt32(0x0403_4b50))
      out.appendLittleEndian(UInt16(20))  // version needed
      out.appendLittleEndian(UInt16(0))  // flags
      out.appendLittleEndian(entry.method)
      out.appendLittleEndian(UInt32(0))  // time, date
      out.appendLittleEndian(UInt32(0))  // CRC-32 (not checked by the reader)
      out.appendLittleEndian(UInt32(entry.data.count))
      out.appendLittleEndian(UInt32(entry.data.count))
      out.appendLittleEndian(UInt16(name.count))
      // Pad the data to 64 bytes with an extra field, as torch does.
      let unpadded = out.count + 2 + name.count + 4
      let padding = (64 - unpadded % 64) % 64
      out.appendLittleEndian(UInt16(4 + padding))
      out += name
      out.appendLittleEndian(UInt16(0x4346))  // "FB", torch's padding field id
      out.appendLittleEndian(UInt16(padding))
      out += [UInt8](repeating: 0x5A, count: padding)
      out += entry.data
    }

    let directoryOffset = out.count
    for (entry, offset) in zip(entries, offsets) {
      let name = Array(entry.name.utf8)
      var extra: [UInt8] = []
      if zip64 {
        extra.appendLittleEndian(UInt16(0x0001))
        extra.appendLittleEndian(UInt16(24))
        extra.appendLittleEndian(UInt64(entry.data.count))
        extra.appendLittleEndian(UInt64(entry.data.count))
        extra.appendLittleEndian(UInt64(offset))
      }
      let saturated = UInt32.max
      out.appendLittleEndian(UInt32(0x0201_4b50))
      out.appendLittleEndian(UInt16(45))  // version made by
      out.appendLittleEndian(UInt16(45))  // version needed
      out.appendLittleEndian(UInt16(0))
      out.appendLittleEndian(entry.method)
      out.appendLittleEndian(UInt32(0))
      out.appendLittleEndian(UInt32(0))
      out.appendLittleEndian(zip64 ? saturated : UInt32(entry.data.count))
      out.appendLittleEndian(zip64 ? saturated : UInt32(entry.data.count))
      out.appendLittleEndian(UInt16(name.count))
      out.appendLittleEndian(UInt16(extra.count))
      out.appendLittleEndian(UInt16(0))  // comment
      out.appendLittleEndian(UInt16(0))  // disk
      out.appendLittleEndian(UInt16(0))  // internal attributes
      out.appendLittleEndian(UInt32(0))  // external attributes
      out.appendLittleEndian(zip64 ? saturated : UInt32(offset))
      out += name
      out += extra
    }
    let directorySize = out.count - directoryOffset

    if zip64 {
      let recordOffset = out.count
      out.appendLittleEndian(UInt32(0x0606_4b50))
      out.appendLittleEndian(UInt64(44))  // size of the rest of the record
      out.appendLittleEndian(UInt16(45))
      out.appendLittleEndian(UInt16(45))
      out.appendLittleEndian(UInt32(0))
      out.appendLittleEndian(UInt32(0))
      out.appendLittleEndian(UInt64(entries.count))
      out.appendLittleEndian(UInt64(entries.count))
      out.appendLittleEndian(UInt64(directorySize))
      out.appendLittleEndian(UInt64(directoryOffset))
      out.appendLittleEndian(UInt32(0x0706_4b50))
      out.appendLittleEndian(UInt32(0))
      out.appendLittleEndian(UInt64(recordOffset))
      out.appendLittleEndian(UInt32(1))
    }
    out.appendLittleEndian(UInt32(0x0605_4b50))
    out.appendLittleEndian(UInt16(0))
    out.appendLittleEndian(UInt16(0))
    out.appendLittleEndian(zip64 ? UInt16.max : UInt16(entries.count))
    out.appendLittleEndian(zip64 ? UInt16.max : UInt16(entries.count))
    out.appendLittleEndian(zip64 ? UInt32.max : UInt32(directorySize))
    out.appendLittleEndian(zip64 ? UInt32.max : UInt32(directoryOffset))
    out.appendLittleEndian(UInt16(0))
    return out
  }
}
