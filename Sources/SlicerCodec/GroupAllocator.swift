/// ABQ for one fixed shape of message: given how many entries each sign keeps (ATKF), how many
/// outliers and equal-cardinality groups each stream is cut into (MS) and the boundary
/// precision, it places the group boundaries and picks each group's bitwidth so the squared
/// error meets the budget at the fewest bits.
///
/// Bitwidths are chosen greedily by marginal gain: start every group at 0 bits and repeatedly
/// give bits to the group whose error falls most per added bit (from 0 bits also looking two
/// bits ahead, since one bit can gain nothing when a value sits on the midpoint), until the
/// error fits.
/// Errors are exact: each group's error at each bitwidth is computed by quantizing its members
/// with the decoder's own `GroupQuantizer` arithmetic (lazily, only for the bitwidths the greedy
/// looks at; at 0 bits from prefix sums), and dropped entries cost their full square.
///
/// Boundaries sit in the gaps between groups (see `gapCodes`). Measured alternative, not kept:
/// moving each 0-bit group's lower boundary so its midpoint lands on its mean, then re-running
/// the greedy, saved 0.06% of the bits on the synthetic benchmark set for twice the work.
struct GroupAllocator {
  /// Per-stream counts held inline (`PerStream`, not arrays: a shape is built and copied
  /// for every candidate the planner prices).
  struct Shape: Equatable, Sendable {
    /// Kept entries per stream [positive, negative].
    var kept: PerStream<Int>
    /// Equal groups per stream (clamped to what the kept entries allow).
    var groups: PerStream<Int>
    /// Outliers (singleton top groups) per stream.
    var outliers: PerStream<Int>
    var mantissaBits: Int
  }

  struct Plan {
    var shape: Shape
    var layouts: [StreamLayout]
    /// Σ of squared errors the decoder's output will have (up to summation order).
    var squaredError: Double
    var bits: PartBits
  }

  let streams: [SignStream]
  let dimension: Int
  /// The streams' buffers, read straight in the pricing loops (no reference counting or
  /// exclusivity checks per access), valid while `streams` holds the streams.
  private let views: PerStream<SignStream.Buffers>

  init(streams: [SignStream], dimension: Int) {
    self.streams = streams
    self.dimension = dimension
    views = PerStream(streams[0].buffers, streams[1].buffers)
  }

  /// Per-group working state, groups of stream 0 first, each stream's in label order: flat
  /// arrays in one block of memory allocated per `allocate` call (one allocation instead of a
  /// dozen arrays; pricing a shape is a few microseconds, so a dozen allocations showed).
  private struct Workspace {
    static let levels = SlicerFormat.maxBits + 1
    /// Room for every group the format allows.
    static let capacity = 2 * (SlicerFormat.maxGroups + SlicerFormat.maxOutliers)
    private static let intFields = 8
    private static let doubleFields = 3 + levels
    static let byteCount = capacity * (intFields + doubleFields) * 8

    let m: Int
    private(set) var count = 0
    let stream: UnsafeMutablePointer<Int>
    let rankLo: UnsafeMutablePointer<Int>
    let rankHi: UnsafeMutablePointer<Int>
    let loCode: UnsafeMutablePointer<Int>
    let hiCode: UnsafeMutablePointer<Int>
    let bits: UnsafeMutablePointer<Int>
    /// The greedy's next move per group: by how many bits, and its gain per added bit.
    let steps: UnsafeMutablePointer<Int>
    let gains: UnsafeMutablePointer<Double>
    /// Scratch for a stream's boundary codes (`gapCodes`), groups + 1 of them.
    let codes: UnsafeMutablePointer<Int>
    /// value(loCode), value(hiCode).
    let loValue: UnsafeMutablePointer<Double>
    let hiValue: UnsafeMutablePointer<Double>
    /// errors[g·9 + b]: squared error of group g at b bits; −1 until computed.
    let errors: UnsafeMutablePointer<Double>

    /// `memory`: `byteCount` bytes, 8-aligned, valid while the workspace is used.
    init(m: Int, memory: UnsafeMutableRawPointer) {
      self.m = m
      let ints = memory.bindMemory(to: Int.self, capacity: Self.capacity * Self.intFields)
      stream = ints
      rankLo = ints + Self.capacity
      rankHi = ints + 2 * Self.capacity
      loCode = ints + 3 * Self.capacity
      hiCode = ints + 4 * Self.capacity
      bits = ints + 5 * Self.capacity
      steps = ints + 6 * Self.capacity
      // Room for maxGroups + 1 codes (the rest of the block's Int part).
      codes = ints + 7 * Self.capacity
      let doubles = (memory + Self.capacity * Self.intFields * 8).bindMemory(
        to: Double.self, capacity: Self.capacity * Self.doubleFields)
      loValue = doubles
      hiValue = doubles + Self.capacity
      gains = doubles + 2 * Self.capacity
      errors = doubles + 3 * Self.capacity
    }

    /// Adds a group of stream `s` over `ranks` at 0 bits; its codes come with `setCodes`.
    mutating func append(stream s: Int, ranks: Range<Int>) {
      let g = count
      stream[g] = s
      rankLo[g] = ranks.lowerBound
      rankHi[g] = ranks.upperBound
      bits[g] = 0
      (errors + g * Self.levels).update(repeating: -1, count: Self.levels)
      count = g + 1
    }

    func setCodes(_ g: Int, lo: Int, hi: Int) {
      loCode[g] = lo
      hiCode[g] = hi
      loValue[g] = ScaleCode.value(lo, mantissaBits: m)
      hiValue[g] = ScaleCode.value(hi, mantissaBits: m)
    }

    /// Exact squared error of group `g` at `b` bits, cached.
    func error(_ g: Int, bits b: Int, views: PerStream<SignStream.Buffers>) -> Double {
      let cached = errors[g * Self.levels + b]
      if cached >= 0 { return cached }
      let quantizer = GroupQuantizer(lo: loValue[g], hi: hiValue[g], bits: b)
      let stream = views[stream[g]]
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
        sum = Self.squaredError(stream.magnitudes, lo..<hi, quantizer)
      }
      errors[g * Self.levels + b] = sum
      return sum
    }

    /// Σ (a − reconstruction)² over the magnitudes at `ranks`. One running sum would make each
    /// member wait for the previous addition: the members go to four running sums instead
    /// (rank r to sum r mod 4 while at least four remain), joined in a fixed order, so the
    /// total is the same on every run and machine.
    private static func squaredError(
      _ a: UnsafeMutablePointer<Float>, _ ranks: Range<Int>, _ quantizer: GroupQuantizer
    ) -> Double {
      var sum = 0.0
      var r = ranks.lowerBound
      if let lanes = QuantizerLanes(quantizer) {
        var lanesSum = SIMD4<Double>()
        while r + 4 <= ranks.upperBound {
          let x = SIMD4<Double>(
            SIMD4<Float>(UnsafeRawPointer(a + r).loadUnaligned(as: SIMD4<Float>.self)))
          let diff = x - lanes.roundTrip(x)
          lanesSum += diff * diff
          r += 4
        }
        sum = (lanesSum[0] + lanesSum[2]) + (lanesSum[1] + lanesSum[3])
      }
      while r < ranks.upperBound {
        let v = a[r]
        let diff = Double(v) - Double(quantizer.reconstruct(quantizer.index(of: v)))
        sum += diff * diff
        r += 1
      }
      return sum
    }
  }

  /// The cheapest allocation for `shape` whose squared error is ≤ `allowedError`, or nil when
  /// even 8 bits everywhere exceed it.
  func allocate(_ requested: Shape, allowedError: Double) -> Plan? {
    let memory = UnsafeMutableRawPointer.allocate(
      byteCount: Workspace.byteCount, alignment: MemoryLayout<Double>.alignment)
    defer { memory.deallocate() }
    var shape = requested
    let m = shape.mantissaBits
    var work = Workspace(m: m, memory: memory)
    var dropped = 0.0
    let codeCount = ScaleCode.count(mantissaBits: m)
    for s in 0..<2 {
      let stream = views[s]
      let kept = min(max(0, shape.kept[s]), stream.count)
      let o = min(shape.outliers[s], kept, SlicerFormat.maxOutliers)
      let rest = kept - o
      let g = rest > 0 ? min(max(1, shape.groups[s]), rest, SlicerFormat.maxGroups) : 0
      shape.kept[s] = kept
      shape.outliers[s] = o
      shape.groups[s] = g
      dropped += stream.suffixSquares[kept]
      guard kept > 0 else { continue }
      let first = work.count
      for j in 0..<g {
        work.append(
          stream: s, ranks: SlicerFormat.ranks(ofLabel: j, kept: kept, groups: g, outliers: o))
      }
      if g > 0 {
        let codes = work.codes
        gapCodes(stream.magnitudes, work, first: first, groups: g, mantissaBits: m, into: codes)
        for j in 0..<g { work.setCodes(first + j, lo: codes[j], hi: codes[j + 1]) }
      }
      for i in 0..<o {
        let ranks = SlicerFormat.ranks(ofLabel: g + i, kept: kept, groups: g, outliers: o)
        let a = Double(stream.magnitudes[ranks.lowerBound])
        let u = min(ScaleCode.code(atOrBelow: a, mantissaBits: m), codeCount - 2)
        work.append(stream: s, ranks: ranks)
        work.setCodes(work.count - 1, lo: u, hi: u + 1)
      }
    }
    guard work.count > 0 else { return nil }

    guard let error = greedy(work, dropped: dropped, allowedError: allowedError) else {
      return nil
    }
    return plan(shape, work, squaredError: error)
  }

  /// Runs the marginal-gain allocation from the groups' current bitwidths; returns the squared
  /// error, or nil if the budget cannot be met.
  private func greedy(_ work: Workspace, dropped: Double, allowedError: Double) -> Double? {
    var error = dropped
    for g in 0..<work.count { error += work.error(g, bits: work.bits[g], views: views) }
    // Each group's best next move (gain per added bit, and by how many bits); only the group
    // that moved needs its move recomputed.
    let gains = work.gains
    let steps = work.steps
    func nextMove(_ g: Int) {
      let b = work.bits[g]
      gains[g] = 0
      steps[g] = 0
      guard b < SlicerFormat.maxBits else { return }
      let n = Double(work.rankHi[g] - work.rankLo[g])
      let now = work.error(g, bits: b, views: views)
      // Two bits ahead only from 0 bits, where one bit can gain nothing (a value on the
      // midpoint moves to a quarter); beyond that the error falls steadily.
      for step in 1...(b == 0 ? 2 : 1) where b + step <= SlicerFormat.maxBits {
        let gain = (now - work.error(g, bits: b + step, views: views)) / (n * Double(step))
        if gain > gains[g] {
          gains[g] = gain
          steps[g] = step
        }
      }
    }
    if error > allowedError {
      for g in 0..<work.count { nextMove(g) }
    }
    while error > allowedError {
      var best = -1
      var bestGain = 0.0
      // The first group with the largest gain, by selects: which group wins is data.
      for g in 0..<work.count {
        let gain = gains[g]
        best = gain > bestGain ? g : best
        bestGain = gain > bestGain ? gain : bestGain
      }
      guard best >= 0 else { return nil }
      let b = work.bits[best]
      error -=
        work.error(best, bits: b, views: views)
        - work.error(best, bits: b + steps[best], views: views)
      work.bits[best] = b + steps[best]
      nextMove(best)
    }
    // Re-add from scratch so the running subtraction's rounding does not accumulate.
    var exact = dropped
    for g in 0..<work.count { exact += work.error(g, bits: work.bits[g], views: views) }
    return exact
  }

  private func plan(
    _ shape: Shape, _ work: Workspace, squaredError: Double
  ) -> Plan {
    var layouts = [StreamLayout.empty, StreamLayout.empty]
    var start = 0
    for s in 0..<2 where shape.kept[s] > 0 {
      let g = shape.groups[s]
      let o = shape.outliers[s]
      var codes = [Int]()
      if g > 0 {
        codes.reserveCapacity(g + 1)
        codes.append(contentsOf: UnsafeBufferPointer(start: work.loCode + start, count: g))
        codes.append(work.hiCode[start + g - 1])
      }
      layouts[s] = StreamLayout(
        kept: shape.kept[s], outliers: o,
        bitwidths: Array(UnsafeBufferPointer(start: work.bits + start, count: g + o)),
        codes: codes,
        outlierCodes: Array(UnsafeBufferPointer(start: work.loCode + start + g, count: o)))
      start += g + o
    }
    return Plan(
      shape: shape, layouts: layouts, squaredError: squaredError,
      bits: PartBits(dimension: dimension, mantissaBits: shape.mantissaBits, streams: layouts))
  }

  /// Boundary codes for a stream's `groups` equal groups (the workspace's groups `first`…,
  /// label order, over magnitudes `a`): the top rounded up over the largest magnitude, the
  /// bottom rounded down under the smallest, each inner one nearest the middle of the gap
  /// between the groups it separates (a member beyond a rounded boundary is clamped to it; its
  /// error is counted like any other). Writes the `groups` + 1 codes, bottom first, to `codes`.
  private func gapCodes(
    _ a: UnsafeMutablePointer<Float>, _ work: Workspace, first: Int, groups g: Int,
    mantissaBits m: Int, into codes: UnsafeMutablePointer<Int>
  ) {
    let largest = work.rankLo + first  // each group's first (largest) member
    let end = work.rankHi + first
    codes[g] = ScaleCode.code(atOrAbove: Double(a[largest[g - 1]]), mantissaBits: m)
    codes[0] = ScaleCode.code(atOrBelow: Double(a[end[0] - 1]), mantissaBits: m)
    for j in 1..<max(1, g) {
      let hiBelow = Double(a[largest[j - 1]])
      let loAbove = Double(a[end[j] - 1])
      let c = ScaleCode.code(nearest: (hiBelow + loAbove) / 2, mantissaBits: m)
      codes[j] = min(max(c, codes[j - 1]), codes[g])
    }
  }

  /// The message `plan` describes, for the vector the streams came from.
  func message(for plan: Plan) -> SparseMessage {
    var slots = [Int32](repeating: -1, count: dimension)
    var decoded = [Float](repeating: 0, count: dimension)
    slots.withUnsafeMutableBufferPointer { slots in
      decoded.withUnsafeMutableBufferPointer { decoded in
        fill(plan, slots: slots.baseAddress!, decoded: decoded.baseAddress!)
      }
    }
    return SparseMessage(
      dimension: dimension, mantissaBits: plan.shape.mantissaBits, streams: plan.layouts,
      slots: slots)
  }

  /// Writes `plan`'s per-position slots (−1 when not sent, see `SparseMessage.slot`) and the
  /// vector the decoder will rebuild (`SparseMessage.reconstruction`'s arithmetic) into
  /// `slots` and `decoded`, `dimension` entries each; one pass over the kept entries.
  func fill(
    _ plan: Plan, slots: UnsafeMutablePointer<Int32>, decoded: UnsafeMutablePointer<Float>
  ) {
    slots.update(repeating: -1, count: dimension)
    decoded.update(repeating: 0, count: dimension)
    let m = plan.shape.mantissaBits
    for s in 0..<2 where plan.shape.kept[s] > 0 {
      let layout = plan.layouts[s]
      let stream = streams[s]
      let magnitudes = stream.magnitudes.baseAddress!
      let indices = stream.indices.baseAddress!
      for j in 0..<layout.bitwidths.count {
        let quantizer = layout.quantizer(j, mantissaBits: m)
        let base = SparseMessage.slot(stream: s, group: j, index: 0)
        for r in layout.ranks(j) {
          let q = quantizer.index(of: magnitudes[r])
          let i = Int(indices[r])
          slots[i] = base | Int32(truncatingIfNeeded: q)
          let magnitude = quantizer.reconstruct(q)
          decoded[i] = s == 0 ? magnitude : -magnitude
        }
      }
    }
  }
}
