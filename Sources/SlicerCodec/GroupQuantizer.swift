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

  /// The magnitude index `q` decodes to, never above Float's largest finite value.
  @inline(__always)
  func reconstruct(_ q: Int) -> Float {
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
