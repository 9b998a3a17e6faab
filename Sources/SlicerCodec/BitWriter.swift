/// Appends bits to a growing byte buffer, most significant bit first.
///
/// Bit order: the first bit written is bit 7 (0x80) of byte 0, the eighth is bit 0 of byte 0,
/// the ninth is bit 7 of byte 1. A multi-bit value is written from its most significant bit
/// down, so `write(0b101, count: 3)` then `write(0b11111, count: 5)` gives the byte 0b1011_1111.
/// `finish()` pads the last byte with zero bits.
struct BitWriter: ~Copyable {
  private var sink: ByteSink
  /// Bits not yet moved to the buffer, right-aligned; fewer than 32 between calls.
  private var pending: UInt64 = 0
  private var pendingCount = 0

  init(reservingBytes requested: Int = 64) {
    sink = ByteSink(reservingBytes: requested)
  }

  /// Bits written so far (excluding the final padding).
  var bitCount: Int { 8 * sink.count + pendingCount }

  @inline(__always)
  mutating func write(_ bit: Bool) {
    write(bit ? 1 : 0, count: 1)
  }

  /// Writes the low `count` bits of `value` (0…32 bits), most significant first.
  @inline(__always)
  mutating func write(_ value: UInt64, count: Int) {
    precondition(count >= 0 && count <= 32, "write at most 32 bits at a time")
    // pending < 2^31 before, so shifting by ≤ 32 loses nothing.
    let c = UInt64(truncatingIfNeeded: count)
    pending = (pending &<< c) | (value & ((1 &<< c) &- 1))
    pendingCount &+= count
    if pendingCount >= 32 {
      pendingCount &-= 32
      let word = UInt32(truncatingIfNeeded: pending &>> UInt64(truncatingIfNeeded: pendingCount))
      sink.append(bigEndian: word)
      pending &= (1 &<< UInt64(truncatingIfNeeded: pendingCount)) &- 1
    }
  }

  /// Writes `count` copies of `bit`.
  mutating func write(repeating bit: Bool, count: Int) {
    var left = count
    let ones: UInt64 = bit ? ~0 : 0
    while left > 0 {
      let n = min(left, 32)
      write(ones, count: n)
      left -= n
    }
  }

  /// The bytes, with the last one padded by zero bits.
  consuming func finish() -> [UInt8] {
    var out = sink.bytes()
    var left = pendingCount
    while left >= 8 {
      left -= 8
      out.append(UInt8(truncatingIfNeeded: pending >> UInt64(left)))
    }
    if left > 0 {
      out.append(UInt8(truncatingIfNeeded: pending << UInt64(8 - left)))
    }
    return out
  }
}
