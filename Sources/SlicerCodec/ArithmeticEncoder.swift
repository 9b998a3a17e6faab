/// A binary-output arithmetic coder (the classic low/high/pending-bits scheme of Witten, Neal
/// and Cleary) with 48-bit registers, writing into a `BitWriter`.
///
/// Each symbol is given as a slice [cumulative, cumulative + frequency) of `total` (≤ 2^32).
/// The coder splits its current range into `total` equal cells of r = ⌊range / total⌋ and
/// keeps the symbol's cells; the sliver range − r·total is never used, which costs at most
/// total/range ≤ 2^-14 of a bit per symbol and lets the decoder detect bytes that point into it.
///
/// Termination and length: every renormalisation step produces exactly one output bit
/// (immediately or as a pending bit), and `finish()` adds b then pending + 1 bits ¬b, so the
/// coded length is steps + 2 bits. The decoder performs the same steps and therefore knows the
/// message length exactly (SLICER messages need no length field), and can check the
/// termination bits against its own final state. The final bits select a point of the last
/// interval assuming zero bits follow, so nothing past them needs sending.
struct ArithmeticEncoder: ~Copyable {
  static let precision: UInt64 = 48
  static let half: UInt64 = 1 << (precision - 1)
  static let quarter: UInt64 = 1 << (precision - 2)
  /// Largest `total` a symbol may have.
  static let maxTotal: UInt64 = 1 << 32

  private var low: UInt64 = 0
  private var high: UInt64 = (1 << precision) - 1
  private var pendingBits = 0
  private(set) var writer: BitWriter

  init(writer: consuming BitWriter) {
    self.writer = writer
  }

  /// Encodes the symbol occupying [cumulative, cumulative + frequency) out of `total`.
  @inline(__always)
  mutating func encode(cumulative: UInt64, frequency: UInt64, total: UInt64) {
    precondition(
      frequency > 0 && cumulative &+ frequency <= total && total <= Self.maxTotal,
      "invalid symbol slice")
    let r = (high &- low &+ 1) / total
    high = low &+ r &* (cumulative &+ frequency) &- 1
    low = low &+ r &* cumulative
    normalize()
  }

  /// Encodes [cumulative, cumulative + frequency) out of a total of 2^`totalBits` (≤ 2^32),
  /// cutting the range with a shift instead of a division.
  @inline(__always)
  mutating func encode(cumulative: UInt64, frequency: UInt64, totalBits: Int) {
    precondition(
      frequency > 0 && cumulative &+ frequency <= 1 &<< UInt64(truncatingIfNeeded: totalBits),
      "invalid symbol slice")
    let r = (high &- low &+ 1) &>> UInt64(truncatingIfNeeded: totalBits)
    high = low &+ r &* (cumulative &+ frequency) &- 1
    low = low &+ r &* cumulative
    normalize()
  }

  /// Encodes one bit at probability ½.
  @inline(__always)
  mutating func encode(bit: Bool) {
    let split = (high - low + 1) >> 1
    if bit { low += split } else { high = low + split - 1 }
    normalize()
  }

  /// Encodes `value` in 0..<2^count (count ≤ 16) as one uniform symbol: the range is cut into
  /// 2^count equal cells of ⌊range/2^count⌋.
  @inline(__always)
  mutating func encode(bits value: Int, count: Int) {
    if count == 0 { return }
    let r = (high - low + 1) >> UInt64(count)
    low += r * UInt64(value)
    high = low + r - 1
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

  /// Renormalises in bulk: shifts out every leading bit `low` and `high` share (E1/E2 steps,
  /// each one output bit), then removes the run of underflow (E3) steps, where low = 01…1x and
  /// high = 10…0y, whose bits are decided later and counted as pending.
  @inline(__always)
  private mutating func normalize() {
    let same = ((low ^ high) &<< (64 &- Self.precision)).leadingZeroBitCount
    if same > 0 {
      let s = UInt64(truncatingIfNeeded: same)
      emit(low &>> (Self.precision &- s), count: same)
      low = (low &<< s) & Self.mask
      high = ((high &<< s) & Self.mask) | ((1 &<< s) &- 1)
    }
    if low >= Self.quarter && high < 3 &* Self.quarter {
      let k = Self.underflowRun(low: low, high: high)
      let s = UInt64(truncatingIfNeeded: k)
      pendingBits &+= k
      low = (low &<< s) & (Self.half &- 1)
      high = Self.half | ((high &<< s) & (Self.half &- 1)) | ((1 &<< s) &- 1)
    }
  }

  static let mask: UInt64 = (1 << precision) - 1

  /// Length of the E3 run: bits below the top where `low` has ones and `high` zeros (≥ 1 when
  /// low ≥ quarter and high < 3·quarter, at most precision − 2).
  @inline(__always)
  static func underflowRun(low: UInt64, high: UInt64) -> Int {
    let lowOnes = (~low << (65 - precision)).leadingZeroBitCount
    let highZeros = (high << (65 - precision)).leadingZeroBitCount
    return min(lowOnes, highZeros, Int(precision) - 2)
  }

  /// Outputs the top bit of the `count`-bit `bits`, then the pending bits (its complement),
  /// then the rest.
  @inline(__always)
  private mutating func emit(_ bits: UInt64, count: Int) {
    if pendingBits == 0 {
      writeWide(bits, count: count)
      return
    }
    let first = bits >> UInt64(count - 1) == 1
    writer.write(first)
    writer.write(repeating: !first, count: pendingBits)
    pendingBits = 0
    writeWide(bits, count: count - 1)
  }

  /// Writes the low `count` ≤ 48 bits of `bits`.
  @inline(__always)
  private mutating func writeWide(_ bits: UInt64, count: Int) {
    writer.write(wide: bits, count: count)
  }

  /// Writes the two terminating bits and returns the writer (not yet padded).
  consuming func finish() -> BitWriter {
    pendingBits += 1
    emit(low >= Self.quarter ? 1 : 0, count: 1)
    return writer
  }

  /// Bits an order-`k` Exp-Golomb code spends on `value`.
  static func expGolombLength(_ value: UInt64, order k: Int) -> Int {
    let high = (value >> UInt64(k)) + 1
    let width = 64 - high.leadingZeroBitCount
    return 2 * width - 1 + k
  }
}
