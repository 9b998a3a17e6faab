/// SLICER (ATKF + MS + ABQ) behind the `FeatureCodec` interface.
///
/// The contract: the vector the decoder returns has distortion ≤ `budget` under `measure`
/// (relative squared error by default, or the mean squared error), for every input. The
/// encoder makes it true by construction and checks it: it rebuilds the decoder's output
/// from the message (`SparseMessage.reconstruction`, the decoder's own arithmetic; debug
/// builds also decode the bytes and assert they agree bit for bit) and measures the distortion; if rounding ever pushes a sparse message over budget it retries
/// with a tighter target, then falls back to dense fp16 (when that meets the budget) and
/// finally to lossless fp32. Message layouts: `SlicerFormat`.
///
/// How the message is chosen (`SlicerPlanner`): ATKF keeps the K+ largest positive and K−
/// largest negative entries; MS cuts each sign's kept magnitudes into up to 7 singleton
/// outliers (massive channels) and G equal-cardinality groups; ABQ gives each group 0…8 bits
/// by greedy marginal gain on exact errors. K±, G±, outliers and the boundary precision come
/// from a high-resolution rate model (`RateSearch`: one quantizer step Δ for all groups,
/// thresholds derived per stream), then exact pricing (`GroupAllocator`). Signs and group
/// labels are range-coded with the exact enumerative model (log2 of the multinomial);
/// positions as one symbol per 8-position chunk under a static binomial model (`ChunkModel`),
/// a few bits above log2 C(d, K) per message in d/8 coder steps (see `PositionCodingComparison`
/// for the alternatives: Rice-coded gaps cost 4–35% more, bitmaps far more).
///
/// Inputs: non-finite entries (NaN, ±∞) make the relative error meaningless, so such vectors
/// go out in the lossless fp32 mode and the tail sees exactly what the head produced.
/// A zero vector, or any vector that zero reconstructs within budget (every vector when a
/// relative budget is ≥ 1), is the one-byte zero message.
struct SlicerFeatureCodec: FeatureCodec {
  let budget: Double
  let maxGroups: Int
  let measure: DistortionMeasure
  /// Scratch memory reused across calls (shared by copies of this value).
  private let workspaces = SlicerWorkspacePool()

  init(budget: Double, maxGroups: Int, measure: DistortionMeasure = .relative) {
    precondition(budget.isFinite && budget >= 0, "slicer budget must be finite and ≥ 0")
    precondition((1...SlicerFormat.maxGroups).contains(maxGroups), "slicer maxGroups out of range")
    self.budget = budget
    self.maxGroups = maxGroups
    self.measure = measure
  }

  var spec: CodecSpec { .slicer(budget: budget, maxGroups: maxGroups, measure: measure) }

  func encode(_ x: [Float]) -> EncodedFeature {
    precondition(x.count <= CodecLimits.maxDimension, "vector wider than CodecLimits.maxDimension")
    let clock = ContinuousClock()
    let start = clock.now
    var result = encodeUntimed(x)
    result.stats.encodeNanoseconds = clock.now.nanoseconds(since: start)
    return result
  }

  private func encodeUntimed(_ x: [Float]) -> EncodedFeature {
    workspaces.with { workspace in
      // Loading the sign streams also sums the energy (in index order) and checks that every
      // entry is finite, so x is read once; the streams go unused when x is not sparse-coded.
      let summary = x.withUnsafeBufferPointer { workspace.load($0) }
      let energy = summary.energy
      if !summary.finite { return dense(x, mode: .fp32) }
      // The zero message's error sum is the energy.
      if energy == 0
        || measure.of(squaredError: energy, energy: energy, dimension: x.count) <= budget
      {
        return zero(x)
      }
      if let sparse = sparse(x, energy: energy, workspace: workspace) {
        return sparse
      }
      return denseFits(x, .fp16) ? dense(x, mode: .fp16) : dense(x, mode: .fp32)
    }
  }

  /// The sparse message for `x` (already loaded into `workspace`, energy ‖x‖² in index
  /// order), or nil when a dense one is smaller or meets the budget where no sparse one did.
  private func sparse(_ x: [Float], energy: Double, workspace: SlicerWorkspace)
    -> EncodedFeature?
  {
    let d = x.count
    let allowedError = measure.allowedError(budget: budget, energy: energy, dimension: d)
    let planner = SlicerPlanner(streams: workspace.streams, dimension: d, maxGroups: maxGroups)
    let slots = workspace.slots.baseAddress!
    let decoded = workspace.decoded.baseAddress!
    // Aim a hair under the budget so the decoder-side sum (different order) stays within it;
    // the self-check below is what guarantees it.
    var target = allowedError * (1 - 1e-9)
    for _ in 0..<4 {
      guard let (allocator, plan) = planner.plan(allowedError: target) else { break }
      allocator.fill(plan, slots: slots, decoded: decoded)
      let bytes = SparseMessageCoder.write(
        dimension: d, mantissaBits: plan.shape.mantissaBits, streams: plan.layouts, slots: slots)
      assert(
        (try? SparseMessageCoder.read(bytes, dimension: d))?.map(\.bitPattern)
          == Array(UnsafeBufferPointer(start: decoded, count: d)).map(\.bitPattern),
        "slicer decoder disagrees with the encoder's reconstruction")
      // One error sum serves the budget's measure and the relative one the stats report.
      let error = x.withUnsafeBufferPointer { Distortion.squaredError($0, decoded) }
      let distortion = measure.of(squaredError: error, energy: energy, dimension: d)
      if distortion <= budget {
        // Dense messages are 1 + 2d (fp16) or 1 + 4d (fp32) bytes; take the smallest that fits.
        if bytes.count > 1 + 4 * d { return nil }
        if bytes.count < 1 + 2 * d || !denseFits(x, .fp16) {
          let relative = DistortionMeasure.relative.of(
            squaredError: error, energy: energy, dimension: d)
          return sparseResult(bytes, plan: plan, distortion: relative)
        }
        return nil
      }
      target *= 0.5 * budget / distortion
    }
    return nil
  }

  func decode(_ bytes: [UInt8], dimension: Int) throws(CodecError) -> [Float] {
    try checkDimension(dimension)
    guard let first = bytes.first else { throw .emptyMessage(codec: "slicer") }
    let mode = Int(first >> 5)
    switch SlicerFormat.Mode(rawValue: mode) {
    case .zero:
      guard bytes.count == 1 else {
        throw .wrongLength(codec: "slicer", expectedBytes: 1, actualBytes: bytes.count)
      }
      guard first == 0 else {
        throw .corrupt(codec: "slicer", detail: "zero message with nonzero padding bits")
      }
      return [Float](repeating: 0, count: dimension)
    case .sparse:
      return try SparseMessageCoder.read(bytes, dimension: dimension)
    case .fp16, .fp32:
      let format: DenseFloatCodec.Format = mode == SlicerFormat.Mode.fp16.rawValue ? .fp16 : .fp32
      let expected = 1 + format.bytesPerValue * dimension
      guard bytes.count == expected else {
        throw .wrongLength(codec: "slicer", expectedBytes: expected, actualBytes: bytes.count)
      }
      guard first & 0x1F == 0 else {
        throw .corrupt(codec: "slicer", detail: "dense message with nonzero padding bits in byte 0")
      }
      return DenseFloatCodec.unpack(bytes, count: dimension, format: format, offset: 1)
    case nil:
      throw .unknownMode(mode)
    }
  }

  // MARK: - results

  private func zero(_ x: [Float]) -> EncodedFeature {
    let decoded = [Float](repeating: 0, count: x.count)
    return EncodedFeature(
      bytes: [0],
      stats: StepStats(
        totalBits: 8, headerBits: SlicerFormat.modeBits, positionBits: 0, scaleBits: 0,
        valueBits: 0, paddingBits: 8 - SlicerFormat.modeBits, kPositive: 0, kNegative: 0,
        groups: [], distortion: Distortion.relativeSquaredError(x, decoded),
        encodeNanoseconds: 0, mode: "zero"))
  }

  private func denseBytes(_ x: [Float], _ format: DenseFloatCodec.Format) -> [UInt8] {
    let mode: SlicerFormat.Mode = format == .fp16 ? .fp16 : .fp32
    return [UInt8(mode.rawValue << 5)] + DenseFloatCodec.pack(x, format: format)
  }

  private func denseFits(_ x: [Float], _ format: DenseFloatCodec.Format) -> Bool {
    let decoded = DenseFloatCodec.unpack(
      denseBytes(x, format), count: x.count, format: format, offset: 1)
    return measure.of(x, decoded) <= budget
  }

  private func dense(_ x: [Float], mode: DenseFloatCodec.Format) -> EncodedFeature {
    let bytes = denseBytes(x, mode)
    let decoded = DenseFloatCodec.unpack(bytes, count: x.count, format: mode, offset: 1)
    return EncodedFeature(
      bytes: bytes,
      stats: StepStats(
        totalBits: 8 * bytes.count, headerBits: SlicerFormat.modeBits, positionBits: 0,
        scaleBits: 0, valueBits: 8 * (bytes.count - 1), paddingBits: 8 - SlicerFormat.modeBits,
        kPositive: x.count { $0 > 0 }, kNegative: x.count { $0 < 0 }, groups: [],
        distortion: Distortion.relativeSquaredError(x, decoded), encodeNanoseconds: 0,
        mode: mode == .fp16 ? "fp16" : "fp32"))
  }

  private func sparseResult(_ bytes: [UInt8], plan: GroupAllocator.Plan, distortion: Double)
    -> EncodedFeature
  {
    let total = 8 * bytes.count
    var header = Int(plan.bits.header.rounded())
    var positions = Int(plan.bits.positions.rounded())
    let scales = Int(plan.bits.scales.rounded())
    let values = Int(plan.bits.values.rounded())
    var padding = total - header - positions - scales - values
    if padding < 0 {  // the coder came in under the rounded estimates; keep the sum exact
      positions += padding
      padding = 0
      if positions < 0 {
        header += positions
        positions = 0
      }
    }
    let m = plan.shape.mantissaBits
    var groups = [GroupStats]()
    groups.reserveCapacity(plan.layouts[0].bitwidths.count + plan.layouts[1].bitwidths.count)
    for s in 0..<2 {
      let layout = plan.layouts[s]
      for j in layout.bitwidths.indices {
        let (lo, hi) = layout.rangeCodes(j)
        groups.append(
          GroupStats(
            sign: s == 0 ? .positive : .negative, count: layout.size(j),
            lo: Float(ScaleCode.value(lo, mantissaBits: m)),
            hi: Float(ScaleCode.value(hi, mantissaBits: m)),
            bits: layout.bitwidths[j]))
      }
    }
    return EncodedFeature(
      bytes: bytes,
      stats: StepStats(
        totalBits: total, headerBits: header, positionBits: positions, scaleBits: scales,
        valueBits: values, paddingBits: padding, kPositive: plan.layouts[0].kept,
        kNegative: plan.layouts[1].kept, groups: groups, distortion: distortion,
        encodeNanoseconds: 0, mode: "sparse"))
  }
}
