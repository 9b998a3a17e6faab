import Foundation

/// The entry table of a ZIP archive in a mapped file, and the byte ranges of its stored entries.
///
/// `torch.save` writes a plain ZIP whose entries are *stored* (method 0, no compression), each
/// entry's data padded to 64-byte alignment through the local header's extra field:
///
///     [local header 1][data 1] [local header 2][data 2] ... [central directory] [EOCD]
///
///     local header   (30 bytes + name + extra) signature 0x04034b50
///                    +26 name length (2)  +28 extra length (2)  → data follows the extra field
///     central entry  (46 bytes + name + extra + comment) signature 0x02014b50
///                    +8 flags (2) +10 method (2) +20 compressed size (4) +24 uncompressed size (4)
///                    +28 name length (2) +30 extra length (2) +32 comment length (2)
///                    +42 local header offset (4)
///     EOCD           (22 bytes + comment) signature 0x06054b50
///                    +10 total entries (2) +12 directory size (4) +16 directory offset (4)
///                    +20 comment length (2)
///
/// Archives past 4 GiB or 65,535 entries use ZIP64: the EOCD fields saturate (0xFFFF…) and the
/// real values sit in a ZIP64 end record, found through a 20-byte locator just before the EOCD
/// (signature 0x07064b50, +8 record offset (8)); the ZIP64 end record (signature 0x06064b50)
/// holds +32 total entries (8), +40 directory size (8), +48 directory offset (8). A saturated
/// size or offset in a central entry is likewise replaced by the entry's ZIP64 extra field
/// (id 0x0001), which lists, in this order, only the saturated ones: uncompressed size,
/// compressed size, local header offset (8 bytes each).
struct ZipArchive {
  struct Entry: Equatable {
    let name: String
    let flags: UInt16
    let method: UInt16
    let compressedSize: Int
    let uncompressedSize: Int
    let localHeaderOffset: Int
  }

  let file: MappedFile
  /// Entries by name.
  let entries: [String: Entry]

  private static let localSignature: UInt32 = 0x0403_4b50
  private static let centralSignature: UInt32 = 0x0201_4b50
  private static let endSignature: UInt32 = 0x0605_4b50
  private static let zip64LocatorSignature: UInt32 = 0x0706_4b50
  private static let zip64EndSignature: UInt32 = 0x0606_4b50
  private static let endRecordSize = 22

  init(file: MappedFile) throws(CheckpointError) {
    self.file = file
    let url = file.url
    // Every torch.save archive starts with a local header; anything else (for example the
    // legacy pre-1.6 pickle format, or a safetensors file under the wrong name) is refused here.
    var start = ByteCursor(file.bytes, file: url, region: "the ZIP signature")
    guard file.count >= 4, try start.u32() == Self.localSignature else {
      throw .notZipArchive(url)
    }

    let end = try Self.endRecord(in: file)
    guard end.directoryOffset <= file.count, end.directorySize <= file.count - end.directoryOffset
    else {
      throw .malformedZip(
        file: url,
        reason: "the central directory (\(end.directorySize) bytes at \(end.directoryOffset)) "
          + "lies outside the \(file.count)-byte file")
    }
    let directory = UnsafeRawBufferPointer(
      rebasing: file.bytes[end.directoryOffset..<end.directoryOffset + end.directorySize])
    var cursor = ByteCursor(directory, file: url, region: "the ZIP central directory")
    var entries: [String: Entry] = [:]
    for _ in 0..<end.entryCount {
      let entry = try Self.centralEntry(&cursor)
      guard entries[entry.name] == nil else {
        throw .malformedZip(file: url, reason: "entry '\(entry.name)' appears twice")
      }
      entries[entry.name] = entry
    }
    self.entries = entries
  }

  /// The absolute byte range of a stored entry's data inside the mapping.
  func dataRange(of name: String) throws(CheckpointError) -> Range<Int> {
    let url = file.url
    guard let entry = entries[name] else { throw .missingZipEntry(file: url, entry: name) }
    guard entry.flags & 1 == 0 else {
      throw .malformedZip(file: url, reason: "entry '\(name)' is encrypted")
    }
    guard entry.method == 0 else {
      throw .compressedZipEntry(file: url, entry: name, method: Int(entry.method))
    }
    guard entry.compressedSize == entry.uncompressedSize else {
      throw .malformedZip(
        file: url,
        reason: "stored entry '\(name)' has compressed size \(entry.compressedSize) but "
          + "uncompressed size \(entry.uncompressedSize)")
    }
    var cursor = ByteCursor(
      file.bytes, file: url, region: "the ZIP local header of '\(name)'",
      offset: entry.localHeaderOffset)
    guard try cursor.u32() == Self.localSignature else {
      throw .malformedZip(
        file: url,
        reason: "no local header signature at offset \(entry.localHeaderOffset) for '\(name)'")
    }
    try cursor.skip(22)
    let nameLength = Int(try cursor.u16())
    let extraLength = Int(try cursor.u16())
    let localName = try cursor.take(nameLength)
    guard localName.elementsEqual(name.utf8) else {
      throw .malformedZip(
        file: url, reason: "the local header at \(entry.localHeaderOffset) is not '\(name)'s")
    }
    try cursor.skip(extraLength)
    let dataStart = cursor.offset
    guard entry.compressedSize <= file.count - dataStart else {
      throw .truncated(
        file: url, region: "ZIP entry '\(name)'", offset: dataStart,
        needed: entry.compressedSize, available: file.count)
    }
    return dataStart..<dataStart + entry.compressedSize
  }

  // MARK: Records

  private struct EndRecord {
    let entryCount: Int
    let directorySize: Int
    let directoryOffset: Int
  }

  /// Finds the end-of-central-directory record (searching back over a possible comment) and,
  /// when a ZIP64 locator precedes it, reads the ZIP64 end record instead.
  private static func endRecord(in file: MappedFile) throws(CheckpointError) -> EndRecord {
    let url = file.url
    let bytes = file.bytes
    guard bytes.count >= endRecordSize else { throw .notZipArchive(url) }
    let lastStart = bytes.count - endRecordSize
    let firstStart = max(0, lastStart - Int(UInt16.max))
    var found: Int? = nil
    for position in stride(from: lastStart, through: firstStart, by: -1) {
      let signature = UInt32(
        littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self))
      guard signature == endSignature else { continue }
      let commentLength = Int(
        UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: position + 20, as: UInt16.self)))
      if position + endRecordSize + commentLength <= bytes.count {
        found = position
        break
      }
    }
    guard let position = found else { throw .notZipArchive(url) }

    var cursor = ByteCursor(bytes, file: url, region: "the ZIP end record", offset: position + 4)
    let diskNumber = try cursor.u16()
    let directoryDisk = try cursor.u16()
    try cursor.skip(2)  // entries on this disk
    let entryCount = try cursor.u16()
    let directorySize = try cursor.u32()
    let directoryOffset = try cursor.u32()
    guard diskNumber == 0 || diskNumber == .max, directoryDisk == 0 || directoryDisk == .max else {
      throw .malformedZip(file: url, reason: "multi-disk archives are not supported")
    }

    let locatorStart = position - 20
    if locatorStart >= 0,
      UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: locatorStart, as: UInt32.self))
        == zip64LocatorSignature
    {
      var locator = ByteCursor(
        bytes, file: url, region: "the ZIP64 locator", offset: locatorStart + 8)
      let recordOffset = try integer(locator.u64(), "ZIP64 end record offset", url)
      var record = ByteCursor(
        bytes, file: url, region: "the ZIP64 end record", offset: recordOffset)
      guard recordOffset < bytes.count, try record.u32() == zip64EndSignature else {
        throw .malformedZip(file: url, reason: "no ZIP64 end record at offset \(recordOffset)")
      }
      try record.skip(28)  // record size, versions, disk numbers, entries on this disk
      return EndRecord(
        entryCount: try integer(record.u64(), "ZIP64 entry count", url),
        directorySize: try integer(record.u64(), "ZIP64 directory size", url),
        directoryOffset: try integer(record.u64(), "ZIP64 directory offset", url))
    }
    return EndRecord(
      entryCount: Int(entryCount), directorySize: Int(directorySize),
      directoryOffset: Int(directoryOffset))
  }

  /// Reads one central directory entry and applies its ZIP64 extra field.
  private static func centralEntry(_ cursor: inout ByteCursor) throws(CheckpointError) -> Entry {
    let url = cursor.file
    let start = cursor.offset
    guard try cursor.u32() == centralSignature else {
      throw .malformedZip(
        file: url, reason: "no central directory signature at directory offset \(start)")
    }
    try cursor.skip(4)  // versions
    let flags = try cursor.u16()
    let method = try cursor.u16()
    try cursor.skip(8)  // time, date, CRC-32
    let compressed32 = try cursor.u32()
    let uncompressed32 = try cursor.u32()
    let nameLength = Int(try cursor.u16())
    let extraLength = Int(try cursor.u16())
    let commentLength = Int(try cursor.u16())
    try cursor.skip(8)  // disk number, internal and external attributes
    let offset32 = try cursor.u32()
    let nameBytes = try cursor.take(nameLength)
    let extra = try cursor.take(extraLength)
    try cursor.skip(commentLength)
    let name = String(decoding: nameBytes, as: UTF8.self)

    var uncompressed = UInt64(uncompressed32)
    var compressed = UInt64(compressed32)
    var offset = UInt64(offset32)
    let saturated = UInt32.max
    if uncompressed32 == saturated || compressed32 == saturated || offset32 == saturated {
      var fields = try zip64Field(in: extra, entry: name, file: url)
      if uncompressed32 == saturated { uncompressed = try fields.u64() }
      if compressed32 == saturated { compressed = try fields.u64() }
      if offset32 == saturated { offset = try fields.u64() }
    }
    return Entry(
      name: name, flags: flags, method: method,
      compressedSize: try integer(compressed, "compressed size of '\(name)'", url),
      uncompressedSize: try integer(uncompressed, "uncompressed size of '\(name)'", url),
      localHeaderOffset: try integer(offset, "local header offset of '\(name)'", url))
  }

  /// A cursor over the data of the ZIP64 extended-information extra field (id 0x0001).
  private static func zip64Field(
    in extra: UnsafeRawBufferPointer, entry: String, file: URL
  ) throws(CheckpointError) -> ByteCursor {
    var cursor = ByteCursor(extra, file: file, region: "the extra field of '\(entry)'")
    while cursor.remaining >= 4 {
      let id = try cursor.u16()
      let size = Int(try cursor.u16())
      let data = try cursor.take(size)
      if id == 0x0001 {
        return ByteCursor(data, file: file, region: "the ZIP64 field of '\(entry)'")
      }
    }
    throw .malformedZip(
      file: file, reason: "entry '\(entry)' has saturated sizes but no ZIP64 extra field")
  }

  private static func integer(
    _ value: UInt64, _ what: String, _ file: URL
  ) throws(CheckpointError) -> Int {
    guard let result = Int(exactly: value) else {
      throw .malformedZip(file: file, reason: "the \(what) (\(value)) is out of range")
    }
    return result
  }
}
