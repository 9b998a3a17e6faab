/// Appends protocol fields to a byte array: varints, little-endian fixed-width numbers, strings.
struct ByteWriter {
  var bytes: [UInt8] = []

  mutating func byte(_ value: UInt8) { bytes.append(value) }

  mutating func bytes(_ values: some Sequence<UInt8>) { bytes.append(contentsOf: values) }

  mutating func varint(_ value: UInt64) { Varint.append(value, to: &bytes) }

  /// A count, id or size. Negative values are a programmer error: nothing the decoder produces
  /// is negative, and the wire has no encoding for them.
  mutating func varint(_ value: Int) {
    precondition(value >= 0, "negative value \(value) has no wire encoding")
    varint(UInt64(value))
  }

  mutating func u16(_ value: UInt16) {
    bytes.append(UInt8(truncatingIfNeeded: value))
    bytes.append(UInt8(truncatingIfNeeded: value >> 8))
  }

  mutating func u32(_ value: UInt32) {
    for shift in stride(from: 0, to: 32, by: 8) {
      bytes.append(UInt8(truncatingIfNeeded: value >> shift))
    }
  }

  mutating func u64(_ value: UInt64) {
    for shift in stride(from: 0, to: 64, by: 8) {
      bytes.append(UInt8(truncatingIfNeeded: value >> shift))
    }
  }

  /// IEEE 754 binary32, little-endian, bit for bit (NaN payloads included).
  mutating func f32(_ value: Float) { u32(value.bitPattern) }

  /// IEEE 754 binary64, little-endian, bit for bit.
  mutating func f64(_ value: Double) { u64(value.bitPattern) }

  /// `varint(byte count)` then the UTF-8 bytes.
  mutating func string(_ value: String) {
    varint(value.utf8.count)
    bytes.append(contentsOf: value.utf8)
  }

  /// `varint(byte count)` then the bytes.
  mutating func blob(_ value: [UInt8]) {
    varint(value.count)
    bytes.append(contentsOf: value)
  }
}
