/// The uniform quantizer SLICER applies inside one magnitude group.
///
/// A group with range [lo, hi] and b bits (0…8) has L = 2^b equal cells of width
/// s = (hi − lo)/L; index q ∈ 0..<L reconstructs at the cell's midpoint lo + (q + ½)·s, so
/// every reconstruction lies inside [lo, hi] and b = 0 gives the group's midpoint. The
/// arithmetic is IEEE Double (+, −, ×, ÷ only) rounded once to Float, so encoder and decoder —
/// on any platform — compute identical values.
struct GroupQuantizer {
  let lo: Double
  let step: Double
  let levels: Int
  /// Encoder side only: 1/step, so finding a cell costs a multiplication.
  let inverseStep: Double

  init(lo: Double, hi: Double, bits: Int) {
    self.lo = lo
    self.levels = 1 << bits
    self.step = (hi - lo) / Double(levels)
    self.inverseStep = step > 0 ? 1 / step : 0
  }

  /// The quantizer of a group whose range is given by its scale codes (`ScaleCode`), as a
  /// message states it: the encoder's layouts and the decoder's header both build it here.
  init(loCode: Int, hiCode: Int, mantissaBits m: Int, bits: Int) {
    self.init(
      lo: ScaleCode.value(loCode, mantissaBits: m), hi: ScaleCode.value(hiCode, mantissaBits: m),
      bits: bits)
  }

  /// The magnitude index `q` decodes to, never above Float's largest finite value.
  @inline(__always)
  func reconstruct(_ q: Int) -> Float { Self.reconstruct(q, lo: lo, step: step) }

  /// The same for a quantizer given by its lo and step (the decoder keeps them in flat tables).
  @inline(__always)
  static func reconstruct(_ q: Int, lo: Double, step: Double) -> Float {
    let r = lo + (Double(q) + 0.5) * step
    return Float(min(r, Double(Float.greatestFiniteMagnitude)))
  }

  /// The index whose cell holds `magnitude` (clamped to the range ends). The decoder never
  /// calls this; the encoder may pick any index, and it prices exactly the one it picks.
  @inline(__always)
  func index(of magnitude: Float) -> Int {
    if levels == 1 || !(inverseStep > 0) { return 0 }
    let position = (Double(magnitude) - lo) * inverseStep
    if !(position > 0) { return 0 }  // also catches NaN
    // Truncation is ⌊·⌋ for positive values (and avoids a libm call).
    return position >= Double(levels - 1) ? levels - 1 : Int(position)
  }
}

/// `GroupQuantizer`'s round trip (index, then its reconstruction as a Double) for two
/// magnitudes at once, in SSE2 lanes, for pricing a group: each lane performs exactly the
/// scalar operations (the same IEEE +, −, ×, the same clamps, the same Double → Float → Double
/// rounding), so each lane's value is bit for bit the scalar one.
///
/// Built only when no reconstruction can exceed Float's largest finite value (reconstructions
/// grow with the index, so checking the top one suffices): then the scalar `min` never acts and
/// the lanes leave it out. Callers fall back to the scalar quantizer otherwise.
struct QuantizerLanes {
  private let lo: SIMD2<Double>
  private let inverseStep: SIMD2<Double>
  private let step: SIMD2<Double>
  /// The largest index, as a Double: levels − 1, or 0 where `index(of:)` always answers 0.
  private let top: SIMD2<Double>

  init?(_ quantizer: GroupQuantizer) {
    let top =
      quantizer.levels == 1 || !(quantizer.inverseStep > 0) ? 0.0 : Double(quantizer.levels - 1)
    let highest = quantizer.lo + (top + 0.5) * quantizer.step
    guard highest <= Double(Float.greatestFiniteMagnitude) else { return nil }
    lo = SIMD2(repeating: quantizer.lo)
    inverseStep = SIMD2(repeating: quantizer.inverseStep)
    step = SIMD2(repeating: quantizer.step)
    self.top = SIMD2(repeating: top)
  }

  /// Double(reconstruct(index(of: m))) for each lane's magnitude m, given as Double(m).
  @inline(__always)
  func roundTrip(_ x: SIMD2<Double>) -> SIMD2<Double> {
    SIMD2<Double>(reconstruct(index(of: x)))
  }

  /// The same for four lanes (one AVX register where the target has AVX; the same IEEE
  /// operations lane by lane either way, so the same bits as the scalar quantizer).
  @inline(__always)
  func roundTrip(_ x: SIMD4<Double>) -> SIMD4<Double> {
    SIMD4<Double>(reconstruct(index(of: x)))
  }

  /// `index(of: m)` for each lane's magnitude m, given as Double(m); the index as a Double.
  @inline(__always)
  func index(of x: SIMD2<Double>) -> SIMD2<Double> {
    Self.index(of: x, lo: lo, inverseStep: inverseStep, top: top)
  }

  @inline(__always)
  func index(of x: SIMD4<Double>) -> SIMD4<Double> {
    Self.index(
      of: x, lo: SIMD4(lowHalf: lo, highHalf: lo),
      inverseStep: SIMD4(lowHalf: inverseStep, highHalf: inverseStep),
      top: SIMD4(lowHalf: top, highHalf: top))
  }

  @inline(__always)
  private static func index<V: SIMD>(of x: V, lo: V, inverseStep: V, top: V) -> V
  where V.Scalar == Double {
    let position = (x - lo) * inverseStep
    // 0 unless position > 0 (NaN included), top from top up, else ⌊position⌋.
    var p = V().replacing(with: position, where: position .> 0)
    p = top.replacing(with: p, where: p .< top)
    // ⌊p⌋ for 0 ≤ p ≤ 255 without a conversion SSE2 would trap-check: adding and removing
    // 2⁵² rounds p to the nearest integer (exactly), one less where that rounded up.
    let bias = V(repeating: 0x1p52)
    var q = (p + bias) - bias
    q = q.replacing(with: q - 1, where: q .> p)
    return q
  }

  /// `reconstruct(q)` for each lane's index q (as from `index(of:)`).
  @inline(__always)
  func reconstruct(_ q: SIMD2<Double>) -> SIMD2<Float> {
    SIMD2<Float>(lo + (q + 0.5) * step)
  }

  /// The same for four lanes.
  @inline(__always)
  func reconstruct(_ q: SIMD4<Double>) -> SIMD4<Float> {
    let lo = SIMD4(lowHalf: self.lo, highHalf: self.lo)
    return SIMD4<Float>(lo + (q + 0.5) * SIMD4(lowHalf: step, highHalf: step))
  }
}
