/// ABQ for one fixed shape of message: given how many entries each sign keeps (ATKF), how many
/// outliers and equal-cardinality groups each stream is cut into (MS) and the boundary
/// precision, it places the group boundaries and picks each group's bitwidth so the squared
/// error meets the budget at the fewest bits.
///
/// Bitwidths are chosen greedily by marginal gain: start every group at 0 bits and repeatedly
/// give bits to the group whose error falls most per added bit (looking one and two bits ahead,
/// since one bit can gain nothing when a value sits on the old midpoint), until the error fits.
/// Errors are exact: each group's error at each bitwidth is computed by quantizing its members
/// with the decoder's own `GroupQuantizer` arithmetic (lazily, only for the bitwidths the greedy
/// looks at; at 0 bits from prefix sums), and dropped entries cost their full square.
///
/// Boundaries start in the gaps between groups. A 0-bit group is reconstructed at its range's
/// midpoint, so once the greedy has run, each 0-bit group's lower boundary is moved to put
/// that midpoint on the group's mean (boundaries are shared, so this is done from the top
/// down, never cutting into a group below that has bits); the greedy then runs again on the
/// new boundaries, and the cheaper of the two allocations is kept.
struct GroupAllocator {
  struct Shape: Equatable, Sendable {
    /// Kept entries per stream [positive, negative].
    var kept: [Int]
    /// Equal groups per stream (clamped to what the kept entries allow).
    var groups: [Int]
    /// Outliers (singleton top groups) per stream.
    var outliers: [Int]
    var mantissaBits: Int
  }

  struct Plan {
    var shape: Shape
    var layouts: [StreamLayout]
    /// Rank ranges of every group, per stream, in label order.
    var ranks: [[Range<Int>]]
    /// Σ of squared errors the decoder's output will have (up to summation order).
    var squaredError: Double
    var bits: PartBits
  }

  /// Tuning knobs (defaults chosen by measurement; see the codec's notes).
  struct Options: Sendable {
    var recenter = true
  }

  let streams: [SignStream]
  let dimension: Int
  var options = Options()

  /// Per-group working state, groups of stream 0 first, each stream's in label order.
  private struct Workspace {
    static let levels = SlicerFormat.maxBits + 1
    let m: Int
    var stream: [Int] = []
    var rankLo: [Int] = []
    var rankHi: [Int] = []
    var loCode: [Int] = []
    var hiCode: [Int] = []
    var bits: [Int] = []
    /// errors[g·9 + b]: squared error of group g at b bits; −1 until computed.
    var errors: [Double] = []

    var count: Int { stream.count }

    mutating func append(stream s: Int, ranks: Range<Int>, lo: Int, hi: Int) {
      stream.append(s)
      rankLo.append(ranks.lowerBound)
      rankHi.append(ranks.upperBound)
      loCode.append(lo)
      hiCode.append(hi)
      bits.append(0)
      errors.append(contentsOf: repeatElement(-1, count: Self.levels))
    }

    mutating func setRange(_ g: Int, lo: Int, hi: Int) {
      guard lo != loCode[g] || hi != hiCode[g] else { return }
      loCode[g] = lo
      hiCode[g] = hi
      for b in 0..<Self.levels { errors[g * Self.levels + b] = -1 }
    }

    /// Exact squared error of group `g` at `b` bits, cached.
    mutating func error(_ g: Int, bits b: Int, streams: [SignStream]) -> Double {
      let cached = errors[g * Self.levels + b]
      if cached >= 0 { return cached }
      let quantizer = GroupQuantizer(
        lo: ScaleCode.value(loCode[g], mantissaBits: m), hi: ScaleCode.value(hiCode[g], mantissaBits: m), bits: b)
      let stream = streams[stream[g]]
      let lo = rankLo[g]
      let hi = rankHi[g]
      var sum = 0.0
      if b == 0 && hi - lo > 1 {
        // One level c: Σ(a − c)² = Σa² − 2cΣa + n·c², from the stream's prefix sums. Its
        // rounding (≈ 1e-16·Σa²) is far below any budget the planner aims at, and the codec
        // measures the real reconstruction anyway.
        let c = Double(quantizer.reconstruct(0))
        let s1 = stream.prefix[hi] - stream.prefix[lo]
        let s2 = stream.prefixSquares[hi] - stream.prefixSquares[lo]
        sum = max(0, s2 - 2 * c * s1 + Double(hi - lo) * c * c)
      } else {
        let a = stream.magnitudes
        for r in lo..<hi {
          let v = a[r]
          let diff = Double(v) - Double(quantizer.reconstruct(quantizer.index(of: v)))
          sum += diff * diff
        }
      }
      errors[g * Self.levels + b] = sum
      return sum
    }
  }

  /// The cheapest allocation for `shape` whose squared error is ≤ `allowedError`, or nil when
  /// even 8 bits everywhere exceed it.
  func allocate(_ requested: Shape, allowedError: Double) -> Plan? {
    var shape = requested
    let m = shape.mantissaBits
    var work = Workspace(m: m)
    var ranks: [[Range<Int>]] = [[], []]
    var dropped = 0.0
    let codeCount = ScaleCode.count(mantissaBits: m)
    for s in 0..<2 {
      let stream = streams[s]
      let kept = min(max(0, shape.kept[s]), stream.count)
      shape.kept[s] = kept
      dropped += stream.suffixSquares[kept]
      let o = min(shape.outliers[s], kept, SlicerFormat.maxOutliers)
      let rest = kept - o
      let g = rest > 0 ? min(max(1, shape.groups[s]), rest, SlicerFormat.maxGroups) : 0
      shape.outliers[s] = o
      shape.groups[s] = g
      guard kept > 0 else { continue }
      ranks[s] = stream.groupRanks(kept: kept, groups: g, outliers: o)
      if g > 0 {
        let codes = gapCodes(stream, ranks: ranks[s], groups: g, mantissaBits: m)
        for j in 0..<g { work.append(stream: s, ranks: ranks[s][j], lo: codes[j], hi: codes[j + 1]) }
      }
      for i in 0..<o {
        let a = Double(stream.magnitudes[ranks[s][g + i].lowerBound])
        let u = min(ScaleCode.code(atOrBelow: a, mantissaBits: m), codeCount - 2)
        work.append(stream: s, ranks: ranks[s][g + i], lo: u, hi: u + 1)
      }
    }
    guard work.count > 0 else { return nil }

    guard let first = greedy(&work, dropped: dropped, allowedError: allowedError) else { return nil }
    var best = plan(shape, work, ranks, squaredError: first)
    if options.recenter && recenter(&work, shape: shape) {
      for g in 0..<work.count { work.bits[g] = 0 }
      if let second = greedy(&work, dropped: dropped, allowedError: allowedError) {
        let candidate = plan(shape, work, ranks, squaredError: second)
        if candidate.bits.total < best.bits.total { best = candidate }
      }
    }
    return best
  }

  /// Runs the marginal-gain allocation from the groups' current bitwidths; returns the squared
  /// error, or nil if the budget cannot be met.
  private func greedy(_ work: inout Workspace, dropped: Double, allowedError: Double) -> Double? {
    var error = dropped
    for g in 0..<work.count { error += work.error(g, bits: work.bits[g], streams: streams) }
    while error > allowedError {
      var best = -1
      var bestStep = 0
      var bestGain = 0.0
      for g in 0..<work.count where work.bits[g] < SlicerFormat.maxBits {
        let b = work.bits[g]
        let n = Double(work.rankHi[g] - work.rankLo[g])
        let now = work.error(g, bits: b, streams: streams)
        for step in 1...2 where b + step <= SlicerFormat.maxBits {
          let gain = (now - work.error(g, bits: b + step, streams: streams)) / (n * Double(step))
          if gain > bestGain {
            bestGain = gain
            best = g
            bestStep = step
          }
        }
      }
      guard best >= 0 else { return nil }
      let b = work.bits[best]
      error -= work.error(best, bits: b, streams: streams) - work.error(best, bits: b + bestStep, streams: streams)
      work.bits[best] = b + bestStep
    }
    // Re-add from scratch so the running subtraction's rounding does not accumulate.
    var exact = dropped
    for g in 0..<work.count { exact += work.error(g, bits: work.bits[g], streams: streams) }
    return exact
  }

  /// Moves the lower boundary of every 0-bit equal group so its midpoint is its mean, from the
  /// top of each stream down; returns whether any boundary moved.
  private func recenter(_ work: inout Workspace, shape: Shape) -> Bool {
    let m = shape.mantissaBits
    var moved = false
    var start = 0
    for s in 0..<2 where shape.kept[s] > 0 {
      let stream = streams[s]
      let groupCount = shape.groups[s]
      for j in stride(from: groupCount - 1, through: 0, by: -1) where work.bits[start + j] == 0 {
        let g = start + j
        let lo = work.rankLo[g]
        let hi = work.rankHi[g]
        let mean = (stream.prefix[hi] - stream.prefix[lo]) / Double(hi - lo)
        var lower = 0
        if j > 0 && work.bits[g - 1] > 0 {
          let below = Double(stream.magnitudes[work.rankLo[g - 1]])
          lower = ScaleCode.code(atOrAbove: below, mantissaBits: m)
        }
        let wanted = 2 * mean - ScaleCode.value(work.hiCode[g], mantissaBits: m)
        var code = wanted > 0 ? ScaleCode.code(nearest: wanted, mantissaBits: m) : 0
        code = min(max(code, lower), work.hiCode[g])
        if code != work.loCode[g] {
          moved = true
          work.setRange(g, lo: code, hi: work.hiCode[g])
          if j > 0 { work.setRange(g - 1, lo: work.loCode[g - 1], hi: code) }
        }
      }
      start += groupCount + shape.outliers[s]
    }
    return moved
  }

  private func plan(_ shape: Shape, _ work: Workspace, _ ranks: [[Range<Int>]], squaredError: Double) -> Plan {
    var layouts = [StreamLayout.empty, StreamLayout.empty]
    var start = 0
    for s in 0..<2 where shape.kept[s] > 0 {
      let g = shape.groups[s]
      let o = shape.outliers[s]
      var codes = [Int]()
      if g > 0 { codes = Array(work.loCode[start..<(start + g)]) + [work.hiCode[start + g - 1]] }
      layouts[s] = StreamLayout(
        kept: shape.kept[s], outliers: o, bitwidths: Array(work.bits[start..<(start + g + o)]), codes: codes,
        outlierCodes: Array(work.loCode[(start + g)..<(start + g + o)]))
      start += g + o
    }
    return Plan(
      shape: shape, layouts: layouts, ranks: ranks, squaredError: squaredError,
      bits: PartBits(dimension: dimension, mantissaBits: shape.mantissaBits, streams: layouts))
  }

  /// Boundary codes for a stream's `groups` equal groups (the first entries of `ranks`): the
  /// top rounded up over the largest magnitude, the bottom rounded down under the smallest,
  /// each inner one nearest the middle of the gap between the groups it separates (a member
  /// beyond a rounded boundary is clamped to it; its error is counted like any other).
  private func gapCodes(_ stream: SignStream, ranks: [Range<Int>], groups g: Int, mantissaBits m: Int) -> [Int] {
    let a = stream.magnitudes
    var codes = [Int](repeating: 0, count: g + 1)
    codes[g] = ScaleCode.code(atOrAbove: Double(a[ranks[g - 1].lowerBound]), mantissaBits: m)
    codes[0] = ScaleCode.code(atOrBelow: Double(a[ranks[0].upperBound - 1]), mantissaBits: m)
    for j in 1..<max(1, g) {
      let hiBelow = Double(a[ranks[j - 1].lowerBound])
      let loAbove = Double(a[ranks[j].upperBound - 1])
      let c = ScaleCode.code(nearest: (hiBelow + loAbove) / 2, mantissaBits: m)
      codes[j] = min(max(c, codes[j - 1]), codes[g])
    }
    return codes
  }

  /// The message `plan` describes, for the vector the streams came from.
  func message(for plan: Plan) -> SparseMessage {
    let m = plan.shape.mantissaBits
    var slots = [Int32](repeating: -1, count: dimension)
    for s in 0..<2 where plan.shape.kept[s] > 0 {
      let layout = plan.layouts[s]
      let stream = streams[s]
      for j in 0..<layout.bitwidths.count {
        let quantizer = layout.quantizer(j, mantissaBits: m)
        for r in plan.ranks[s][j] {
          let q = quantizer.index(of: stream.magnitudes[r])
          slots[Int(stream.indices[r])] = SparseMessage.slot(stream: s, group: j, index: q)
        }
      }
    }
    return SparseMessage(dimension: dimension, mantissaBits: m, streams: plan.layouts, slots: slots)
  }
}
