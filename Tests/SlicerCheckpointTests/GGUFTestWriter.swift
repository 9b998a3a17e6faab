import SlicerCheckpoint

/// Writes small GGUF files for tests, following the layout documented on `GGUFParser`. Every field
/// can be overridden so tests can produce exactly the corruption they want.
struct GGUFTestWriter {
  struct Tensor {
    var name: String
    /// ggml `ne`, fastest-varying first.
    var dimensions: [UInt64]
    var typeID: UInt32
    var data: [UInt8]
    /// Written instead of the offset the writer computes.
    var offsetOverride: UInt64? = nil
  }

  var magic: [UInt8] = Array("GGUF".utf8)
  var version: UInt32 = 3
  /// Padding unit for the data section and between tensors. Written to the file only if
  /// `metadata` holds `general.alignment`.
  var alignment = 32
  var metadata: [(key: String, value: GGUFValue)] = []
  /// Metadata entries written verbatim after `metadata` (each counts as one entry), for
  /// corruptions the typed values cannot express.
  var rawEntries: [[UInt8]] = []
  var tensors: [Tensor] = []
  var tensorCountOverride: UInt64? = nil
  var metadataCountOverride: UInt64? = nil

  /// The file's bytes; the last tensor's data is the end of the file (no trailing padding).
  func bytes() -> [UInt8] {
    var out = magic
    append(version, to: &out)
    append(tensorCountOverride ?? UInt64(tensors.count), to: &out)
    append(metadataCountOverride ?? UInt64(metadata.count + rawEntries.count), to: &out)
    for (key, value) in metadata {
      appendString(key, to: &out)
      appendValue(value, to: &out)
    }
    for entry in rawEntries { out += entry }
    var relative: UInt64 = 0
    for tensor in tensors {
      appendString(tensor.name, to: &out)
      append(UInt32(tensor.dimensions.count), to: &out)
      for d in tensor.dimensions { append(d, to: &out) }
      append(tensor.typeID, to: &out)
      append(tensor.offsetOverride ?? relative, to: &out)
      relative += UInt64(padded(tensor.data.count))
    }
    out += [UInt8](repeating: 0, count: padded(out.count) - out.count)
    for (index, tensor) in tensors.enumerated() {
      out += tensor.data
      if index < tensors.count - 1 {
        out += [UInt8](repeating: 0, count: padded(tensor.data.count) - tensor.data.count)
      }
    }
    return out
  }

  private func padded(_ n: Int) -> Int { (n + alignment - 1) / alignment * alignment }

  func appendValue(_ value: GGUFValue, to out: inout [UInt8]) {
    switch value {
    case .uint8(let v):
      append(UInt32(0), to: &out)
      append(v, to: &out)
    case .int8(let v):
      append(UInt32(1), to: &out)
      append(v, to: &out)
    case .uint16(let v):
      append(UInt32(2), to: &out)
      append(v, to: &out)
    case .int16(let v):
      append(UInt32(3), to: &out)
      append(v, to: &out)
    case .uint32(let v):
      append(UInt32(4), to: &out)
      append(v, to: &out)
    case .int32(let v):
      append(UInt32(5), to: &out)
      append(v, to: &out)
    case .float32(let v):
      append(UInt32(6), to: &out)
      append(v.bitPattern, to: &out)
    case .bool(let v):
      append(UInt32(7), to: &out)
      append(UInt8(v ? 1 : 0), to: &out)
    case .string(let v):
      append(UInt32(8), to: &out)
      appendString(v, to: &out)
    case .array(let a):
      append(UInt32(9), to: &out)
      appendArray(a, to: &out)
    case .uint64(let v):
      append(UInt32(10), to: &out)
      append(v, to: &out)
    case .int64(let v):
      append(UInt32(11), to: &out)
      append(v, to: &out)
    case .float64(let v):
      append(UInt32(12), to: &out)
      append(v.bitPattern, to: &out)
    }
  }

  /// Element type, count, elements.
  func appendArray(_ array: GGUFArray, to out: inout [UInt8]) {
    func header(_ type: UInt32) {
      append(type, to: &out)
      append(UInt64(array.count), to: &out)
    }
    switch array {
    case .uint8(let a):
      header(0)
      for v in a { append(v, to: &out) }
    case .int8(let a):
      header(1)
      for v in a { append(v, to: &out) }
    case .uint16(let a):
      header(2)
      for v in a { append(v, to: &out) }
    case .int16(let a):
      header(3)
      for v in a { append(v, to: &out) }
    case .uint32(let a):
      header(4)
      for v in a { append(v, to: &out) }
    case .int32(let a):
      header(5)
      for v in a { append(v, to: &out) }
    case .float32(let a):
      header(6)
      for v in a { append(v.bitPattern, to: &out) }
    case .bool(let a):
      header(7)
      for v in a { append(UInt8(v ? 1 : 0), to: &out) }
    case .string(let a):
      header(8)
      for v in a { appendString(v, to: &out) }
    case .array(let a):
      header(9)
      for v in a { appendArray(v, to: &out) }
    case .uint64(let a):
      header(10)
      for v in a { append(v, to: &out) }
    case .int64(let a):
      header(11)
      for v in a { append(v, to: &out) }
    case .float64(let a):
      header(12)
      for v in a { append(v.bitPattern, to: &out) }
    }
  }

  func appendString(_ string: String, to out: inout [UInt8]) {
    append(UInt64(string.utf8.count), to: &out)
    out += Array(string.utf8)
  }
}

/// Appends `value` little-endian.
func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
  withUnsafeBytes(of: value.littleEndian) { out += $0 }
}

/// Little-endian bytes of fp32 values.
func f32Bytes(_ values: [Float]) -> [UInt8] {
  var out: [UInt8] = []
  for v in values { append(v.bitPattern, to: &out) }
  return out
}
