/// Reads bits most significant first, in `BitWriter`'s order.
///
/// Reading past the end yields zero bits rather than failing; callers that need the message to
/// really contain what they read check `position` against `bitCount` afterwards.
struct BitReader {
  private let bytes: [UInt8]
  /// Index of the next bit to read; may exceed `bitCount` after reading past the end.
  private(set) var position = 0

  init(_ bytes: [UInt8], startingAt bit: Int = 0) {
    self.bytes = bytes
    self.position = bit
  }

  /// Bits in the message (8 × bytes).
  var bitCount: Int { bytes.count * 8 }

  mutating func readBit() -> Bool {
    read(count: 1) == 1
  }

  /// Reads `count` bits (0…56) as an unsigned integer, first bit most significant.
  @inline(__always)
  mutating func read(count: Int) -> UInt64 {
    precondition(count >= 0 && count <= 56, "read at most 56 bits at a time")
    if count == 0 { return 0 }
    let byteIndex = position >> 3
    let offset = position & 7
    // The 8 bytes from byteIndex, big-endian, zeros past the end.
    var window: UInt64 = 0
    if byteIndex + 8 <= bytes.count {
      window = bytes.withUnsafeBytes {
        UInt64(bigEndian: $0.loadUnaligned(fromByteOffset: byteIndex, as: UInt64.self))
      }
    } else {
      for i in 0..<8 {
        let j = byteIndex + i
        window = (window << 8) | (j < bytes.count ? UInt64(bytes[j]) : 0)
      }
    }
    position += count
    return (window << UInt64(offset)) >> UInt64(64 - count)
  }

  /// True when every bit from `position` to the end of the last byte is zero (the padding).
  func remainingBitsAreZero() -> Bool {
    var p = position
    while p < bitCount {
      if (bytes[p >> 3] >> UInt8(7 - (p & 7))) & 1 == 1 { return false }
      p += 1
    }
    return true
  }
}
