import SlicerCodec
import SlicerModel

/// What crossed the link over a span of steps (a turn, a file): bits by part, kept entries,
/// distortion, bitwidths, and where the time went. Every per-token figure is per *position*
/// sent, i.e. per token that passed the split (the prompt's as well as the generated ones).
public struct LinkTotals: Sendable, Equatable {
  /// Width of the hidden state.
  public let dimension: Int
  public private(set) var steps = 0
  public private(set) var positions = 0
  public private(set) var bits = 0
  public private(set) var headerBits = 0
  public private(set) var positionBits = 0
  public private(set) var scaleBits = 0
  public private(set) var valueBits = 0
  public private(set) var paddingBits = 0
  public private(set) var kPositive = 0
  public private(set) var kNegative = 0
  public private(set) var distortionSum = 0.0
  public private(set) var maxDistortion = 0.0
  public private(set) var histogram = BitwidthHistogram()
  /// Positions sent as raw floats (codec `none`): their bits are what fp32 would cost.
  public private(set) var passthroughPositions = 0
  public private(set) var headSeconds = 0.0
  public private(set) var encodeSeconds = 0.0
  public private(set) var tailSeconds = 0.0
  public private(set) var roundTripSeconds = 0.0

  public init(dimension: Int) { self.dimension = dimension }

  public init(dimension: Int, steps: [StepRecord]) {
    self.init(dimension: dimension)
    for step in steps { add(step) }
  }

  public mutating func add(_ step: StepRecord) {
    steps += 1
    for stats in step.link { add(stats) }
    headSeconds += step.headSeconds
    encodeSeconds += step.encodeSeconds
    tailSeconds += step.tailSeconds
    roundTripSeconds += step.roundTripSeconds
  }

  /// One position's message.
  public mutating func add(_ stats: StepStats) {
    positions += 1
    bits += stats.totalBits
    headerBits += stats.headerBits
    positionBits += stats.positionBits
    scaleBits += stats.scaleBits
    valueBits += stats.valueBits
    paddingBits += stats.paddingBits
    kPositive += stats.kPositive
    kNegative += stats.kNegative
    // NaN (a zero vector's relative error) counts as 0 here rather than poisoning the mean.
    let distortion = stats.distortion.isFinite ? stats.distortion : 0
    distortionSum += distortion
    maxDistortion = max(maxDistortion, distortion)
    histogram.add(stats, dimension: dimension)
    if stats.isPassthrough { passthroughPositions += 1 }
  }

  public mutating func merge(_ other: LinkTotals) {
    steps += other.steps
    positions += other.positions
    bits += other.bits
    headerBits += other.headerBits
    positionBits += other.positionBits
    scaleBits += other.scaleBits
    valueBits += other.valueBits
    paddingBits += other.paddingBits
    kPositive += other.kPositive
    kNegative += other.kNegative
    distortionSum += other.distortionSum
    maxDistortion = max(maxDistortion, other.maxDistortion)
    histogram.merge(other.histogram)
    passthroughPositions += other.passthroughPositions
    headSeconds += other.headSeconds
    encodeSeconds += other.encodeSeconds
    tailSeconds += other.tailSeconds
    roundTripSeconds += other.roundTripSeconds
  }

  /// Mean of `value` over positions (0 without any).
  private func perPosition(_ value: Double) -> Double {
    positions > 0 ? value / Double(positions) : 0
  }

  public var bitsPerToken: Double { perPosition(Double(bits)) }
  /// Bits per token over what fp16 costs (16 bits × dimension): 0.25 is 4× smaller.
  public var ratioToFP16: Double { dimension > 0 ? bitsPerToken / Double(16 * dimension) : 0 }
  public var meanDistortion: Double { perPosition(distortionSum) }
  public var meanKPositive: Double { perPosition(Double(kPositive)) }
  public var meanKNegative: Double { perPosition(Double(kNegative)) }
}
