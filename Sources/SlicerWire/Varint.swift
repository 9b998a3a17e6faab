/// Unsigned LEB128: 7 bits per byte, least significant group first, the high bit set on every
/// byte but the last.
///
///     300 = 0b10_0101100 → [1_0101100, 0_0000010] = [0xAC, 0x02]
///
/// The encoding is canonical: decoders reject a trailing 0x00 group (e.g. `[0x80, 0x00]` for 0)
/// so every value has exactly one encoding and a decoded frame re-encodes to the same bytes.
enum Varint {
  /// Bytes needed to encode `value`: 1 for 0…127, 2 for 128…16,383, … 10 for ≥ 2⁶³.
  static func size(_ value: UInt64) -> Int {
    var v = value
    var n = 1
    while v >= 0x80 {
      v >>= 7
      n += 1
    }
    return n
  }

  static func append(_ value: UInt64, to bytes: inout [UInt8]) {
    var v = value
    while v >= 0x80 {
      bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
      v >>= 7
    }
    bytes.append(UInt8(v))
  }

  /// What `decode` found at the start of some bytes.
  enum Result: Equatable {
    /// The value and how many bytes it took.
    case value(UInt64, byteCount: Int)
    /// The bytes end inside the varint.
    case incomplete
    /// The groups read so far already exceed the limit (they only ever add up, so the whole
    /// value would too). Checked group by group, so the outcome does not depend on how the bytes
    /// were split into chunks.
    case exceeds(atLeast: UInt64)
    /// More than 64 bits, or a non-canonical trailing zero group.
    case invalid(String)
  }

  /// Decodes the varint starting at `start` in `bytes[start..<end]`, stopping as soon as its
  /// value is known to exceed `limit`.
  static func decode(
    _ bytes: [UInt8], from start: Int, to end: Int, limit: UInt64 = .max
  ) -> Result {
    var value: UInt64 = 0
    var shift: UInt64 = 0
    var index = start
    while index < end {
      let byte = bytes[index]
      let group = UInt64(byte & 0x7F)
      let count = index - start + 1
      // The 10th byte holds bit 63 only: anything above it does not fit 64 bits.
      if count == WireLimits.maximumVarintBytes, group > 1 || byte & 0x80 != 0 {
        return .invalid("a varint exceeds 64 bits")
      }
      value |= group << shift
      if value > limit { return .exceeds(atLeast: value) }
      if byte & 0x80 == 0 {
        if group == 0, count > 1 { return .invalid("a varint has a redundant trailing zero byte") }
        return .value(value, byteCount: count)
      }
      shift += 7
      index += 1
    }
    return .incomplete
  }
}
