/// Decodes what `ArithmeticEncoder` wrote. Every method throws instead of trapping when the
/// bits point outside the symbols the model allows, so arbitrary bytes are safe to feed in.
struct ArithmeticDecoder {
  private typealias E = ArithmeticEncoder
  private var low: UInt64 = 0
  private var high: UInt64 = (1 << E.precision) - 1
  private var value: UInt64
  private var reader: BitReader
  /// Renormalisation steps so far; the coded length is `steps + 2` bits.
  private(set) var steps = 0
  /// Underflow steps since the last output bit was decided: the encoder's pending bits.
  private var pending = 0
  private let codec: String

  /// Starts decoding at `reader`'s current position. `codec` names the format in errors.
  init(reader: BitReader, codec: String) {
    self.reader = reader
    self.codec = codec
    self.value = self.reader.read(count: Int(E.precision))
  }

  /// Bits the arithmetic-coded section occupies, valid once every symbol is decoded.
  var codedBits: Int { steps + 2 }

  /// The bits `ArithmeticEncoder.finish()` writes in the coder's current state: b then
  /// pending + 1 copies of ¬b, b = (low ≥ quarter). A message whose coded section does not end
  /// with exactly these bits was not written by the encoder (e.g. it was truncated): the check
  /// costs nothing on the wire and rejects most damaged tails.
  func terminationMatches(_ bytes: [UInt8], codedSectionStart start: Int) -> Bool {
    let count = pending + 2
    var reader = BitReader(bytes, startingAt: start + codedBits - count)
    let first = low >= E.quarter
    if reader.readBit() != first { return false }
    for _ in 1..<count where reader.readBit() == first { return false }
    return true
  }

  private func corrupt(_ what: String) -> CodecError {
    .corrupt(codec: codec, detail: "\(what) points outside the coder's range after \(steps) steps")
  }

  /// The coder's current cell width for a total of 2^`totalBits` and the offset of `value` in
  /// the range, for callers that search their own cumulative counts (`ChunkModel`): the symbol
  /// is the one whose cell [r·cum, r·(cum + freq)) holds the offset. Throws when the offset
  /// lies in the unused sliver beyond r·2^totalBits.
  @inline(__always)
  func cell(totalBits: Int) throws(CodecError) -> (width: UInt64, offset: UInt64) {
    let r = (high &- low &+ 1) &>> UInt64(truncatingIfNeeded: totalBits)
    let offset = value &- low
    guard offset >> UInt64(totalBits) < r else { throw corrupt("a chunk pattern") }
    return (r, offset)
  }

  /// The same for a general total, as the cell width and ⌊offset / width⌋: the symbol is the
  /// one with cumulative ≤ target < cumulative + frequency (for integers, r·cum ≤ offset ⟺
  /// cum ≤ ⌊offset/r⌋). Throws when the offset lies in the unused sliver beyond r·total.
  @inline(__always)
  func target(total: UInt64) throws(CodecError) -> (width: UInt64, target: UInt64) {
    let r = (high &- low &+ 1) / total
    let target = (value &- low) / r
    guard target < total else { throw corrupt("a kept entry's group") }
    return (r, target)
  }

  /// Narrows to the cell [width·cumulative, width·(cumulative + frequency)) found by the caller.
  @inline(__always)
  mutating func take(width r: UInt64, cumulative: UInt64, frequency: UInt64) {
    // The caller found the cell inside the range, so none of this wraps.
    high = low &+ r &* (cumulative &+ frequency) &- 1
    low = low &+ r &* cumulative
    normalize()
  }

  /// Mirrors `ArithmeticEncoder.encode(bit:)`.
  @inline(__always)
  mutating func decodeBit() -> Bool {
    let split = (high - low + 1) >> 1
    let bit = value - low >= split
    if bit { low += split } else { high = low + split - 1 }
    normalize()
    return bit
  }

  /// Mirrors `ArithmeticEncoder.encode(bits:count:)`.
  @inline(__always)
  mutating func decodeBits(count: Int) throws(CodecError) -> Int {
    if count == 0 { return 0 }
    let r = (high - low + 1) >> UInt64(count)
    let symbol = (value - low) / r
    guard symbol >> UInt64(count) == 0 else { throw corrupt("a quantized value") }
    low += r * symbol
    high = low + r - 1
    normalize()
    return Int(symbol)
  }

  /// Decodes a value uniformly distributed in 0..<count (1 ≤ count ≤ 2^32).
  @inline(__always)
  mutating func decode(uniform count: Int) throws(CodecError) -> Int {
    if count <= 1 { return 0 }
    let total = UInt64(count)
    let r = (high - low + 1) / total
    let symbol = (value - low) / r
    guard symbol < total else { throw corrupt("a uniform value") }
    high = low + r * (symbol + 1) - 1
    low = low + r * symbol
    normalize()
    return Int(symbol)
  }

  /// Decodes a symbol whose frequencies are `frequencies` (summing to `total` ≤ 2^32).
  /// Symbols of frequency 0 are never returned.
  mutating func decode(frequencies: UnsafeBufferPointer<Int>, total: Int) throws(CodecError)
    -> Int
  {
    let t = UInt64(total)
    let r = (high - low + 1) / t
    let target = (value - low) / r
    guard target < t else { throw corrupt("a group label") }
    var cumulative: UInt64 = 0
    for (symbol, f) in frequencies.enumerated() {
      let next = cumulative + UInt64(f)
      if target < next {
        high = low + r * next - 1
        low = low + r * cumulative
        normalize()
        return symbol
      }
      cumulative = next
    }
    throw corrupt("a group label")
  }

  /// Decodes an order-`k` Exp-Golomb value; rejects codes longer than `maxWidth` bits of prefix.
  mutating func decode(expGolombOrder k: Int, maxWidth: Int = 40) throws(CodecError) -> UInt64 {
    var zeros = 0
    while !decodeBit() {
      zeros += 1
      guard zeros <= maxWidth else {
        throw .corrupt(
          codec: codec, detail: "an Exp-Golomb code has more than \(maxWidth) leading zeros")
      }
    }
    let high = (UInt64(1) << UInt64(zeros)) | UInt64(try decodeBits(count: zeros))
    return ((high - 1) << UInt64(k)) | UInt64(try decodeBits(count: k))
  }

  /// Mirrors `ArithmeticEncoder.normalize()`, shifting the same bits into `value`. Wrapping
  /// arithmetic: every quantity stays below 2^48 by the coder's invariants.
  @inline(__always)
  private mutating func normalize() {
    let same = ((low ^ high) &<< (64 &- E.precision)).leadingZeroBitCount
    if same > 0 {
      let s = UInt64(truncatingIfNeeded: same)
      low = (low &<< s) & E.mask
      high = ((high &<< s) & E.mask) | ((1 &<< s) &- 1)
      value = ((value &<< s) & E.mask) | reader.readNonzero(count: same)
      steps &+= same
      pending = 0
    }
    if low >= E.quarter && high < 3 &* E.quarter {
      let k = E.underflowRun(low: low, high: high)
      let s = UInt64(truncatingIfNeeded: k)
      low = (low &<< s) & (E.half &- 1)
      high = E.half | ((high &<< s) & (E.half &- 1)) | ((1 &<< s) &- 1)
      value = (value & E.half) | ((value &<< s) & (E.half &- 1)) | reader.readNonzero(count: k)
      steps &+= k
      pending &+= k
    }
  }
}
