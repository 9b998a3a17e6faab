/// What it costs to say which entries a sparse message keeps and their signs, under the
/// position codes one could use — the measurement behind SLICER's choice of the enumerative
/// (arithmetic-coded) model. Group labels are left out: they cost the same log2 multinomial
/// under every scheme that codes them exactly.
public struct PositionCodingComparison: Sendable, Equatable {
  /// d + K: an occupancy bitmap plus one sign bit per kept entry.
  public var bitmap: Int
  /// K·⌈log2 d⌉ + K: a list of indices plus sign bits.
  public var indexList: Int
  /// Rice-coded gaps with the best parameter k (sent in 5 bits) plus sign bits.
  public var rice: Int
  /// Order-0 Exp-Golomb gaps plus sign bits.
  public var expGolomb: Int
  /// log2 of d!/(K+!·K−!·(d−K)!): the exact enumerative bound. SLICER's chunk and sign models
  /// (`ChunkModel`, `LabelTable`) spend d·H(K/d) + log2 C(K, K−), a few bits more per message
  /// (`InformationBits.chunkedPositions`), plus the coder's termination (≤ 2 bits).
  public var enumerative: Double

  /// Prices the kept entries at `positions` (ascending, < d) whose signs are `negative`.
  public init(dimension d: Int, positions: [Int], negative: [Bool]) {
    precondition(positions.count == negative.count, "one sign per position")
    let k = positions.count
    let kn = negative.filter { $0 }.count
    bitmap = d + k
    indexList = k * (d <= 1 ? 0 : Int.bitWidth - (d - 1).leadingZeroBitCount) + k
    var gaps = [Int]()
    var previous = -1
    for p in positions {
      gaps.append(p - previous - 1)
      previous = p
    }
    var bestRice = Int.max
    for parameter in 0..<20 {
      let bits = gaps.reduce(0) { $0 + ($1 >> parameter) + 1 + parameter }
      bestRice = min(bestRice, bits)
    }
    rice = (k == 0 ? 0 : bestRice + 5) + k
    expGolomb = gaps.reduce(0) { $0 + RangeEncoder.expGolombLength(UInt64($1), order: 0) } + k
    enumerative = InformationBits.log2Multinomial(d, [k - kn, kn, d - k])
  }

  /// The kept entries of a SLICER encoding of `x` at `budget`, priced under every scheme.
  public init(slicerOf x: [Float], budget: Double) {
    let codec = SlicerFeatureCodec(budget: budget, maxGroups: SlicerFormat.defaultMaxGroups)
    let message = codec.encode(x)
    let decoded = (try? codec.decode(message.bytes, dimension: x.count)) ?? []
    let kept = decoded.indices.filter { decoded[$0] != 0 }
    self.init(dimension: x.count, positions: kept, negative: kept.map { decoded[$0] < 0 })
  }
}
