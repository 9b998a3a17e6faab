import Foundation

/// Stage 1 of the SLICER planner: a fast, approximate search for the message's shape — how
/// many entries each sign keeps (ATKF's two thresholds), how many outliers and equal groups
/// each stream gets (MS) — before `GroupAllocator` prices shapes exactly.
///
/// The model is high-resolution quantization theory. With a Lagrange multiplier λ (bits per
/// unit of squared error), a group of n magnitudes spanning width w costs n·b bits and about
/// n·w²/(12·4^b) error at b ≥ 1 bits; b = 0 costs its exact spread around the midpoint (from
/// prefix sums). Minimising bits + λ·error gives every group the same quantizer step
/// Δ = √(12/(λ·ln 4)), so Δ is the single knob. An entry is worth keeping when its square
/// exceeds the error it leaves plus the bits it costs (position, sign, group label and value
/// bits, c in all) at price λ: a² ≥ Δ²·(c·ln4/12 + 1/12). Since c differs between the streams
/// (their group counts and low-group bitwidths differ), so do the thresholds — that is ATKF's
/// asymmetry, derived rather than searched. The search bisects on Δ until the estimated error
/// meets the budget, re-derives each stream's threshold factor, group and outlier counts at
/// that Δ, and bisects again.
struct RateSearch {
  let streams: [SignStream]
  let dimension: Int
  let maxGroups: Int
  var mantissaFloor = 2
  var mantissaOffset = 2
  /// The streams' buffers, read straight in the estimates (no reference counting per call),
  /// valid while `streams` holds the streams.
  private let views: PerStream<SignStream.Buffers>

  init(streams: [SignStream], dimension: Int, maxGroups: Int) {
    self.streams = streams
    self.dimension = dimension
    self.maxGroups = maxGroups
    views = PerStream(streams[0].buffers, streams[1].buffers)
  }

  struct StreamEstimate {
    var kept = 0
    var groups = 0
    var outliers = 0
    var bits = 0.0
    var error = 0.0
    /// Estimated bitwidth of the smallest-magnitude group and the largest bitwidth.
    var lowestBits = 0
    var maxBits = 0
  }

  private static let ln4 = 1.386_294_361_119_890_6
  private static let inverseLn4 = 1 / ln4
  private static let twelfth = 1.0 / 12

  /// 4^-b, exactly, from its bits.
  @inline(__always)
  private static func quarterPower(_ b: Int) -> Double {
    Double(bitPattern: UInt64(truncatingIfNeeded: 1023 &- 2 &* b) &<< 52)
  }
  /// Boundary precision assumed while estimating (the exact stage tries several).
  private static let assumedMantissaBits = 4
  /// An outlier's code cell, relative to its magnitude: 2^-m.
  private static let outlierCell = 1 / Double(1 << assumedMantissaBits)

  /// What every estimate at one step Δ shares: its divisions, done once per step rather than
  /// once per stream and candidate.
  struct StepScale {
    let inverseStepSquared: Double
    /// λ, bits per unit of squared error.
    let lambda: Double
    /// λ/12, as 1/(Δ²·ln 4).
    let ratioScale: Double

    init(step: Double) {
      inverseStepSquared = 1 / (step * step)
      lambda = 12 * inverseStepSquared / RateSearch.ln4
      ratioScale = inverseStepSquared * RateSearch.inverseLn4
    }
  }

  /// Picks b minimising n·b + λ·E(b) for n values spanning w (E(0) = e0 given exactly). With
  /// E(b) ≈ n·w²/(12·4^b) the continuous optimum is b* = log2(w/Δ); tries its neighbours and 0.
  /// (A branch-free version, always pricing three clamped candidates, measured slower: these
  /// branches are well predicted.)
  @inline(__always)
  private static func allocate(n: Int, width w: Double, zeroBitError e0: Double, _ scale: StepScale)
    -> (bits: Int, error: Double)
  {
    let w2 = w * w
    let ratio = w2 * scale.ratioScale  // λ·w²/12
    let raw = w > 0 ? fastLog2(w2 * scale.inverseStepSquared) * 0.5 : 0
    let center =
      raw < 1 ? 1 : (raw > Double(SlicerFormat.maxBits) ? SlicerFormat.maxBits : Int(raw))
    var bestBits = 0
    var bestCost = scale.lambda * e0
    var b = max(1, center &- 1)
    let last = min(SlicerFormat.maxBits, center &+ 1)
    while b <= last {
      let cost = Double(n) * (Double(b) + ratio * quarterPower(b))
      bestBits = cost < bestCost ? b : bestBits
      bestCost = cost < bestCost ? cost : bestCost
      b &+= 1
    }
    if bestBits == 0 { return (0, e0) }
    return (bestBits, Double(n) * w2 * twelfth * quarterPower(bestBits))
  }

  /// Estimates stream `s` keeping its `kept` largest magnitudes (those ≥ κ·Δ for threshold
  /// factor κ) at the step `scale` describes, with `groups` equal groups and `outliers`
  /// outliers (both clamped to what K allows).
  func estimate(_ s: Int, kept: Int, scale: StepScale, groups: Int, outliers: Int)
    -> StreamEstimate
  {
    var e = dropped(s, kept: kept)
    guard kept > 0 else { return e }
    let o = min(outliers, kept, SlicerFormat.maxOutliers)
    while e.outliers < o { addOutlier(&e, s, scale) }
    return withGroups(e, s, scale, groups: groups)
  }

  /// The start of every estimate of stream `s` keeping `kept`: the energy it drops, no
  /// outliers or groups yet.
  @inline(__always)
  private func dropped(_ s: Int, kept: Int) -> StreamEstimate {
    var e = StreamEstimate()
    e.kept = kept
    e.error = views[s].suffixSquares[kept]
    return e
  }

  /// Adds the next outlier (rank `e.outliers`, which must be below `e.kept` and the format's
  /// limit) to `e`: its own code cell of relative width 2^-m; its label costs log2(K). Adding
  /// them one at a time sums in the same order as all at once, so an estimate with o outliers
  /// can continue one with o − 1.
  @inline(__always)
  private func addOutlier(_ e: inout StreamEstimate, _ s: Int, _ scale: StepScale) {
    let w = Double(views[s].magnitudes[e.outliers]) * Self.outlierCell
    let (b, error) = Self.allocate(n: 1, width: w, zeroBitError: w * w * Self.twelfth, scale)
    e.bits += Double(b) + fastLog2(Double(e.kept)) + 3.17 + Double(Self.assumedMantissaBits + 3)
    e.error += error
    e.maxBits = max(e.maxBits, b)
    e.outliers += 1
  }

  /// `e` (kept > 0, outliers added) finished with `groups` equal groups over the entries
  /// below its outliers (clamped to their count).
  @inline(__always)
  private func withGroups(_ start: StreamEstimate, _ s: Int, _ scale: StepScale, groups: Int)
    -> StreamEstimate
  {
    var e = start
    let stream = views[s]
    let rest = e.kept - e.outliers
    let g = rest > 0 ? min(groups, rest) : 0
    e.groups = g
    guard g > 0 else { return e }
    let a = stream.magnitudes
    let base = rest / g
    let labelBits = fastLog2(Double(e.kept) / Double(base))  // ≈ log2(K/n) for every equal group
    let extra = rest % g
    var start = e.outliers
    // Walk equal groups from the top down; group index j counts from the smallest.
    for j in stride(from: g - 1, through: 0, by: -1) {
      let n = base + (j >= g - extra ? 1 : 0)
      let end = start + n
      let hi = Double(a[start])
      let lo = Double(a[end - 1])
      let s1 = stream.prefix[end] - stream.prefix[start]
      let s2 = stream.prefixSquares[end] - stream.prefixSquares[start]
      let mean = s1 / Double(n)
      // A 0-bit group is re-centred on its mean by `GroupAllocator`, so its error is its spread.
      let e0 = max(0, s2 - mean * s1)
      let (b, error) = Self.allocate(n: n, width: hi - lo, zeroBitError: e0, scale)
      e.bits += Double(n * b) + Double(n) * labelBits + 3.17 + Double(Self.assumedMantissaBits + 2)
      e.error += error
      e.maxBits = max(e.maxBits, b)
      if j == 0 { e.lowestBits = b }
      start = end
    }
    e.bits += 4 + 12  // group count and top boundary
    return e
  }

  /// The estimated shape that meets `allowedError` (an absolute squared error), or nil when
  /// even the finest estimate does not.
  func search(allowedError: Double) -> GroupAllocator.Shape? {
    let top = max(streams[0].top, streams[1].top)
    guard top > 0 else { return nil }
    var kappa = PerStream(1.0, 1.0)
    var groups = PerStream(min(4, maxGroups), min(4, maxGroups))
    var outliers = PerStream(0, 0)
    var step = Double(top)
    // The estimates at `step` with the current parameters (the search returns them).
    var current = PerStream(StreamEstimate(), StreamEstimate())
    for round in 0..<2 {
      (step, current) = bisect(
        allowedError: allowedError, kappa: kappa, groups: groups, outliers: outliers,
        top: Double(top), near: round == 0 ? nil : step,
        resolution: round == 0 ? Self.firstResolution : Self.finalResolution)
      if round == 1 { break }
      // Re-derive group and outlier counts and thresholds at this step.
      let kept = current[0].kept + current[1].kept
      let positionBitsPerEntry =
        kept == 0
        ? log2(Double(dimension)) + 1
        : InformationBits.log2Multinomial(
          dimension, current[0].kept, current[1].kept, dimension - kept)
          / Double(kept)
      let lambda = 12 / (step * step * Self.ln4)
      let scale = StepScale(step: step)
      for s in 0..<2 where current[s].kept > 0 {
        // Coordinate search: outliers at the current group count, then groups at that count.
        // Every candidate has this step and threshold, so the kept count of `current`; they
        // share its dropped energy and, up to their count, its outliers.
        let kept = current[s].kept
        var best = current[s]
        var bestCost = Double.infinity
        var partial = dropped(s, kept: kept)
        var atChosen = partial
        for o in 0...min(3, kept) {
          if o > 0 { addOutlier(&partial, s, scale) }
          if o == outliers[s] { atChosen = partial }
          let e = o == outliers[s] ? current[s] : withGroups(partial, s, scale, groups: groups[s])
          let cost = e.bits + lambda * e.error
          if cost < bestCost {
            bestCost = cost
            best = e
            outliers[s] = o
            atChosen = partial
          }
        }
        for g in 1...max(1, min(maxGroups, current[s].kept - outliers[s])) where g != groups[s] {
          let e = withGroups(atChosen, s, scale, groups: g)
          let cost = e.bits + lambda * e.error
          if cost < bestCost {
            bestCost = cost
            best = e
            groups[s] = g
          }
        }
        let perEntry =
          positionBitsPerEntry + log2(Double(max(1, best.groups))) + Double(best.lowestBits)
        kappa[s] = (perEntry * Self.ln4 / 12 + 1.0 / 12).squareRoot()
      }
    }
    let final = current
    guard final[0].error + final[1].error <= allowedError else { return nil }
    let maxBits = max(final[0].maxBits, final[1].maxBits)
    return GroupAllocator.Shape(
      kept: PerStream(final[0].kept, final[1].kept),
      groups: PerStream(max(1, final[0].groups), max(1, final[1].groups)),
      outliers: PerStream(final[0].outliers, final[1].outliers),
      mantissaBits: min(ScaleCode.maxMantissaBits, max(mantissaFloor, maxBits + mantissaOffset)))
  }

  /// Octaves to which the first search narrows the step (the second one starts near it) and
  /// the second one.
  static let firstResolution = 1.0 / 4
  static let finalResolution = 1.0 / 16

  /// The largest step (to within `resolution` octaves) whose estimated error meets the budget,
  /// and both streams' estimates there (or the lowest step and its estimates when none does).
  private func bisect(
    allowedError: Double, kappa: PerStream<Double>, groups: PerStream<Int>,
    outliers: PerStream<Int>, top: Double,
    near: Double?, resolution: Double
  ) -> (step: Double, estimates: PerStream<StreamEstimate>) {
    // The estimates at the last step whose error was computed in full; kept for the search's
    // low end, which is the answer, so the caller need not estimate it again.
    var last = PerStream(StreamEstimate(), StreamEstimate())
    // The estimated error at 2^logStep. Unless `exact`, a probe stops once its error is known
    // to exceed the budget, returns that lower bound (> allowedError), and leaves `last` as it
    // was. Each stream's error is its dropped energy plus non-negative terms, and rounded sums
    // are monotone, so the bound is ≤ the full error: every comparison with allowedError, the
    // only use of a probe's error, comes out the same, and a probe that meets the budget is
    // always computed in full.
    func error(_ logStep: Double, exact: Bool = false) -> Double {
      let step = exp2(logStep)
      let scale = StepScale(step: step)
      let kept = PerStream(
        views[0].countAtLeast(kappa[0] * step), views[1].countAtLeast(kappa[1] * step))
      if !exact {
        let dropped = views[0].suffixSquares[kept[0]] + views[1].suffixSquares[kept[1]]
        if dropped > allowedError { return dropped }
      }
      let first = estimate(0, kept: kept[0], scale: scale, groups: groups[0], outliers: outliers[0])
      if !exact {
        let bound = first.error + views[1].suffixSquares[kept[1]]
        if bound > allowedError { return bound }
      }
      last = PerStream(
        first,
        estimate(1, kept: kept[1], scale: scale, groups: groups[1], outliers: outliers[1]))
      return last[0].error + last[1].error
    }
    // Above log2(top)+1 nothing is kept; 40 octaves below, everything is at full precision.
    // A second search starts within an octave of the first one's answer when that brackets it.
    var hi = log2(top) + 1
    var lo = hi - 40
    // The estimates at lo once it is known to meet the budget (then it need not be
    // estimated again).
    var atLow: PerStream<StreamEstimate>?
    if let near {
      let center = log2(near)
      if error(center - 1) <= allowedError {
        let below = last
        if error(center + 1) > allowedError {
          lo = center - 1
          hi = center + 1
          atLow = below
        }
      }
    }
    if atLow == nil {
      // The lowest step's estimates are the answer even when they miss the budget.
      if error(lo, exact: true) > allowedError { return (exp2(lo), last) }
      atLow = last
    }
    while hi - lo > resolution {
      let mid = (lo + hi) / 2
      if error(mid) <= allowedError {
        lo = mid
        atLow = last
      } else {
        hi = mid
      }
    }
    return (exp2(lo), atLow!)
  }
}

/// The rate search's count over a stream's sorted magnitudes.
extension SignStream.Buffers {
  /// Number of magnitudes ≥ `threshold` (≥ 0; they are sorted largest first), by binary
  /// search. Which way each step goes is data, so as a branch it mispredicts half the time;
  /// it runs without one when the step's outcome is an all-ones-or-zero mask that both
  /// updates use (with a single use, or as a select, LLVM turns it back into a branch).
  /// The compare is on the bits: positive floats order as their bit patterns, and
  /// Double(a) ≥ threshold exactly when a ≥ `least`, the least Float ≥ threshold (∞ above
  /// the largest finite one, whose bits exceed every magnitude's).
  @inline(__always)
  func countAtLeast(_ threshold: Double) -> Int {
    var least = Float(threshold)
    if Double(least) < threshold { least = least.nextUp }
    let limit = Int(least.bitPattern)
    let bits = UnsafeRawPointer(magnitudes).assumingMemoryBound(to: UInt32.self)
    var first = 0
    var length = count
    while length > 0 {
      let half = length &>> 1
      // All ones when magnitude first + half is below the threshold, else zero.
      let below = (Int(bits[first &+ half]) &- limit) &>> 63
      // At least: first += half + 1 and length −= half + 1; below: length = half.
      first &+= (half &+ 1) & ~below
      length = half &- (~below & ~length & 1)
    }
    return first
  }
}

/// log2 for estimates: the exponent plus a linear fit of the mantissa (|error| < 0.09), read
/// straight from the bits. Positive normal inputs only (others give a finite wrong value).
@inline(__always)
func fastLog2(_ v: Double) -> Double {
  let bits = v.bitPattern
  let exponent = Double(Int((bits >> 52) & 0x7FF) - 1023)
  let fraction = Double(bitPattern: (bits & ((1 << 52) - 1)) | (1023 << 52)) - 1
  return exponent + fraction
}
