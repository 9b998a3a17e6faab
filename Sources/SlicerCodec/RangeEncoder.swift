/// A byte-oriented range coder with a 56-bit window; a carry out of the window is added to the
/// bytes already written (it runs back through trailing 0xFF bytes).
///
/// State: `low` (the interval's start within the window, bit 56 a carry not yet propagated)
/// and `range` (its width, 2^48 ≤ range ≤ 2^56 between symbols). A symbol given as the slice
/// [cumulative, cumulative + frequency) of `total` (≤ 2^32) cuts the range into `total` cells of
/// r = ⌊range / total⌋ (a shift when total is a power of two) and keeps its cells:
/// low += r·cumulative, range = r·frequency. The sliver range − r·total is never used, which
/// costs at most total/range ≤ 2^-16 of a bit per symbol and lets the decoder reject bytes that
/// point into it. While range < 2^48 the top byte of the window is shifted out (one output byte
/// per step, so the decoder knows the byte count from its own steps) and range grows by 2^8.
///
/// Output: the coded number 0.b0b1b2… lies in [low, low + range) of the initial window
/// [0, 2^56); byte 0 is its first byte. `finish()` picks the smallest multiple of 2^48 in the
/// final interval and writes the window's top byte of it; the decoder reads zeros past the end.
/// So a message is one byte per renormalisation step plus one, and its last byte is fixed by
/// the coder's final state.
struct RangeEncoder: ~Copyable {
  static let windowBits: UInt64 = 56
  static let mask: UInt64 = (1 << windowBits) - 1
  /// Renormalise when range falls below this.
  static let bottom: UInt64 = 1 << 48
  /// Largest `total` a symbol may have.
  static let maxTotal: UInt64 = 1 << 32

  private var low: UInt64 = 0
  private var range: UInt64 = 1 << windowBits
  /// The bytes shifted out so far, after the coded number's integer part (always 0, dropped by
  /// `finish()`; it also stops a carry). A carry out of the window is added to them in place.
  private var sink: ByteSink

  init(reservingBytes requested: Int = 64) {
    sink = ByteSink(reservingBytes: requested + 8)
    sink.append(0)
  }

  /// Encodes the symbol occupying [cumulative, cumulative + frequency) out of `total`.
  @inline(__always)
  mutating func encode(cumulative: UInt64, frequency: UInt64, total: UInt64) {
    precondition(
      frequency > 0 && cumulative &+ frequency <= total && total <= Self.maxTotal,
      "invalid symbol slice")
    let r = range / total
    low &+= r &* cumulative
    range = r &* frequency
    normalize()
  }

  /// Encodes [cumulative, cumulative + frequency) out of a total of 2^`totalBits` (≤ 2^32),
  /// cutting the range with a shift instead of a division.
  @inline(__always)
  mutating func encode(cumulative: UInt64, frequency: UInt64, totalBits: Int) {
    precondition(
      frequency > 0 && totalBits <= 32
        && cumulative &+ frequency <= 1 &<< UInt64(truncatingIfNeeded: totalBits),
      "invalid symbol slice")
    let r = range &>> UInt64(truncatingIfNeeded: totalBits)
    low &+= r &* cumulative
    range = r &* frequency
    normalize()
  }

  /// Encodes one bit at probability ½ (the lower half is 0).
  @inline(__always)
  mutating func encode(bit: Bool) {
    encode(bits: bit ? 1 : 0, count: 1)
  }

  /// Encodes `value` in 0..<2^count (count ≤ 32) as one uniform symbol.
  @inline(__always)
  mutating func encode(bits value: Int, count: Int) {
    if count == 0 { return }
    precondition(count <= 32 && value >= 0 && value >> count == 0, "invalid bits")
    let r = range &>> UInt64(truncatingIfNeeded: count)
    low &+= r &* UInt64(truncatingIfNeeded: value)
    range = r
    normalize()
  }

  /// Encodes `value` uniformly distributed in 0..<count (count ≤ 2^32); free when count is 1.
  @inline(__always)
  mutating func encode(uniform value: Int, count: Int) {
    precondition(value >= 0 && value < count, "uniform value out of range")
    if count == 1 { return }
    encode(cumulative: UInt64(value), frequency: 1, total: UInt64(count))
  }

  /// Encodes `value` ≥ 0 with an order-`k` Exp-Golomb code: n = ⌊log2(v/2^k + 1)⌋ zeros and a
  /// one (each a bit at ½), then the n bits of v/2^k + 1 below its leading one and the low k
  /// bits of v (each group one uniform symbol).
  mutating func encode(expGolomb value: UInt64, order k: Int) {
    let high = (value >> UInt64(k)) + 1
    let width = 64 - high.leadingZeroBitCount
    for _ in 0..<(width - 1) { encode(bit: false) }
    encode(bit: true)
    encode(bits: Int(high & ((1 << UInt64(width - 1)) - 1)), count: width - 1)
    encode(bits: Int(value & ((1 << UInt64(k)) - 1)), count: k)
  }

  /// Shifts out the window's top bytes until range ≥ 2^48, all at once and without a branch
  /// (whether a symbol renormalises is as random as the data): first any carry in bit 56 is
  /// added to the bytes already written, then the top n bytes of the window are stored
  /// (n = 0…4, as every cut leaves range ≥ 2^16; with n = 0 the 8-byte store only writes
  /// scratch past the end).
  @inline(__always)
  private mutating func normalize() {
    if low > Self.mask {
      sink.addCarry()
      low &= Self.mask
    }
    let n = (range.leadingZeroBitCount &- 8) &>> 3
    let s = UInt64(truncatingIfNeeded: n &<< 3)
    sink.append(topBytesOf: low &<< 8, count: n)
    low = (low &<< s) & Self.mask
    range &<<= s
  }

  /// The point of [low, low + range) that ends the message, as its offset from low: the
  /// smallest multiple of 2^48 at or above low (inside, as range ≥ 2^48). Its one byte below
  /// the window's top is written; the decoder reads zeros after it. Always writing that byte,
  /// even when a point without it (a multiple of 2^56) lies inside, lets the decoder check
  /// the last byte of every message against its own state.
  static func termination(low: UInt64) -> UInt64 {
    ((low &+ (bottom &- 1)) & ~(bottom &- 1)) &- low
  }

  /// Terminates the coded number and returns the message bytes.
  consuming func finish() -> [UInt8] {
    low &+= Self.termination(low: low)
    if low > Self.mask {
      sink.addCarry()
      low &= Self.mask
    }
    sink.append(UInt8(truncatingIfNeeded: low &>> 48))
    // Byte 0 of the buffer is the integer part (always 0).
    return sink.bytes(from: 1)
  }

  /// Bits an order-`k` Exp-Golomb code spends on `value`.
  static func expGolombLength(_ value: UInt64, order k: Int) -> Int {
    let high = (value >> UInt64(k)) + 1
    let width = 64 - high.leadingZeroBitCount
    return 2 * width - 1 + k
  }
}
