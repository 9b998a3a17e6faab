/// Decodes what `RangeEncoder` wrote. Every method throws instead of trapping when the bytes
/// point outside the symbols the model allows, so arbitrary bytes are safe to feed in; reading
/// past the end yields zero bytes (the encoder's termination assumes them), and each symbol
/// reads at most 4 bytes, so the work is bounded by the number of symbols the caller decodes.
///
/// State: `code` = (the 56-bit window of the message at the current byte) − low, where low is
/// the encoder's; invariant code < range.
struct RangeDecoder {
  private typealias E = RangeEncoder
  private var range: UInt64 = 1 << E.windowBits
  private var code: UInt64 = 0
  private let bytes: [UInt8]
  /// Index of the next byte to shift in; the window holds bytes position − 7 ..< position.
  private var position = 0
  private let codec: String

  /// Starts decoding at byte 0. `codec` names the format in errors.
  init(_ bytes: [UInt8], codec: String) {
    self.bytes = bytes
    self.codec = codec
    for _ in 0..<7 { code = (code << 8) | UInt64(nextByte()) }
  }

  @inline(__always)
  private mutating func nextByte() -> UInt8 {
    let p = position
    position &+= 1
    return p < bytes.count ? bytes[p] : 0
  }

  /// Bytes the encoder shifted out before `finish()`: one per renormalisation step.
  private var steps: Int { position - 7 }

  private func corrupt(_ what: String) -> CodecError {
    .corrupt(codec: codec, detail: "\(what) points outside the coder's range after \(steps) bytes")
  }

  /// Checks that the message ends exactly as `RangeEncoder.finish()` ends it from the current
  /// state, and has no bytes beyond: throws `wrongLength` or `corrupt` otherwise. The
  /// encoder's low is the window's value minus `code`; its termination point must be what the
  /// window holds (so `code` equals the point's offset from low).
  func checkEnd() throws(CodecError) {
    var window: UInt64 = 0
    for i in (position - 7)..<position {
      window = (window << 8) | (i < bytes.count ? UInt64(bytes[i]) : 0)
    }
    let low = (window &- code) & E.mask
    guard bytes.count == steps + 1 else {
      throw .wrongLength(codec: codec, expectedBytes: steps + 1, actualBytes: bytes.count)
    }
    guard code == E.termination(low: low) else {
      throw .corrupt(
        codec: codec, detail: "the coded section does not end the way the encoder ends it")
    }
  }

  /// The cell width for a total of 2^`totalBits` (≤ 2^32) and the cell index ⌊code / width⌋,
  /// for callers that search their own cumulative counts: the symbol is the one with
  /// cumulative ≤ target < cumulative + frequency (then `take`). Callers check target against
  /// their total (it may exceed it when the bytes point into the unused sliver). The mirror of
  /// `RangeEncoder.encode(cumulative:frequency:totalBits:)`; `ChunkModel` uses `scaledCode`.
  @inline(__always)
  func target(totalBits: Int) -> (width: UInt64, target: UInt64) {
    let r = range &>> UInt64(truncatingIfNeeded: totalBits)
    return (r, code / r)
  }

  /// The same for a general total (≤ 2^32); throws when the target lies in the unused sliver.
  @inline(__always)
  func target(total: UInt64) throws(CodecError) -> (width: UInt64, target: UInt64) {
    let r = range / total
    let target = code / r
    guard target < total else { throw corrupt("a kept entry's group") }
    return (r, target)
  }

  /// The cell width r for a total of 2^`totalBits` (≤ 2^32) and the code (the coded point's
  /// offset from the range's start, < range), for models that place the code among their
  /// cells [r·cumulative, r·(cumulative + frequency)) without dividing it by r first
  /// (`ChunkModel`); they narrow with `narrow(width:rest:)`.
  @inline(__always)
  func scaledCode(totalBits: Int) -> (width: UInt64, code: UInt64) {
    (range &>> UInt64(truncatingIfNeeded: totalBits), code)
  }

  /// Narrows to the cell of `width` (r·frequency) in which the code lies `rest` (< width)
  /// past the cell's start, as the caller found it.
  @inline(__always)
  mutating func narrow(width: UInt64, rest: UInt64) {
    code = rest
    range = width
    normalize()
  }

  /// Narrows to the cell [width·cumulative, width·(cumulative + frequency)) found by the caller.
  @inline(__always)
  mutating func take(width r: UInt64, cumulative: UInt64, frequency: UInt64) {
    // The caller found the cell inside the range, so none of this wraps.
    code &-= r &* cumulative
    range = r &* frequency
    normalize()
  }

  /// Mirrors `RangeEncoder.encode(bit:)`.
  @inline(__always)
  mutating func decodeBit() -> Bool {
    let r = range &>> 1
    let bit = code >= r
    if bit { code &-= r }
    range = r
    normalize()
    return bit
  }

  /// Mirrors `RangeEncoder.encode(bits:count:)` (count ≤ 32).
  @inline(__always)
  mutating func decodeBits(count: Int) throws(CodecError) -> Int {
    if count == 0 { return 0 }
    let r = range &>> UInt64(truncatingIfNeeded: count)
    let symbol = code / r
    guard symbol &>> UInt64(truncatingIfNeeded: count) == 0 else {
      throw corrupt("a quantized value")
    }
    code &-= r &* symbol
    range = r
    normalize()
    return Int(symbol)
  }

  /// Decodes a value uniformly distributed in 0..<count (1 ≤ count ≤ 2^32).
  @inline(__always)
  mutating func decode(uniform count: Int) throws(CodecError) -> Int {
    if count <= 1 { return 0 }
    let total = UInt64(count)
    let r = range / total
    let symbol = code / r
    guard symbol < total else { throw corrupt("a uniform value") }
    code &-= r &* symbol
    range = r
    normalize()
    return Int(symbol)
  }

  /// Decodes a symbol whose frequencies are `frequencies` (summing to `total` ≤ 2^32).
  /// Symbols of frequency 0 are never returned.
  mutating func decode(frequencies: UnsafeBufferPointer<Int>, total: Int) throws(CodecError)
    -> Int
  {
    let t = UInt64(total)
    let r = range / t
    let target = code / r
    guard target < t else { throw corrupt("a group label") }
    var cumulative: UInt64 = 0
    for (symbol, f) in frequencies.enumerated() {
      let next = cumulative + UInt64(f)
      if target < next {
        take(width: r, cumulative: cumulative, frequency: UInt64(f))
        return symbol
      }
      cumulative = next
    }
    throw corrupt("a group label")
  }

  /// Decodes an order-`k` Exp-Golomb value; rejects codes longer than `maxWidth` bits of prefix.
  mutating func decode(expGolombOrder k: Int, maxWidth: Int = 31) throws(CodecError) -> UInt64 {
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

  /// Mirrors `RangeEncoder.normalize()`: shifts in one byte per step (0…4 per symbol: every
  /// cut leaves range ≥ 2^16).
  @inline(__always)
  private mutating func normalize() {
    // Whole bytes to shift, without a branch (whether a symbol renormalises is as random as
    // the data): range < 2^56 always, and n = 0 exactly when range ≥ 2^48; otherwise shift
    // until range ≥ 2^48.
    let n = (range.leadingZeroBitCount &- 8) &>> 3
    let s = UInt64(truncatingIfNeeded: n &<< 3)
    let p = position
    position &+= n
    // The next 8 bytes as a big-endian word (zeros past the end).
    var word: UInt64
    if p &+ 8 <= bytes.count {
      word = bytes.withUnsafeBytes {
        UInt64(bigEndian: $0.loadUnaligned(fromByteOffset: p, as: UInt64.self))
      }
    } else {
      word = 0
      for i in p..<(p + 8) { word = (word << 8) | (i < bytes.count ? UInt64(bytes[i]) : 0) }
    }
    // Its top s bits (s ≤ 32; none when s = 0, which a single shift by 64 − s cannot give).
    let incoming = (word &>> 1) &>> (63 &- s)
    code = (code &<< s) | incoming
    range &<<= s
  }
}
