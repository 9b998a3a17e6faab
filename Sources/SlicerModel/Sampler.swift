import Foundation

/// How the next token is picked from logits. Greedy when `temperature` is nil or 0.
public struct SamplingParameters: Sendable, Equatable, Codable {
  public var temperature: Double?
  /// Keep only the `topK` most likely tokens (nil or 0: all).
  public var topK: Int?
  /// Keep the smallest set whose probability reaches `topP` (nil or 1: all).
  public var topP: Double?
  /// CTRL-style penalty (> 1 discourages tokens already in the context), as transformers applies it.
  public var repetitionPenalty: Double?
  public var seed: UInt64

  public init(
    temperature: Double? = nil, topK: Int? = nil, topP: Double? = nil,
    repetitionPenalty: Double? = nil, seed: UInt64 = 0
  ) {
    self.temperature = temperature
    self.topK = topK
    self.topP = topP
    self.repetitionPenalty = repetitionPenalty
    self.seed = seed
  }

  public static let greedy = SamplingParameters()

  public var isGreedy: Bool { (temperature ?? 0) <= 0 }
}

/// Picks tokens; reproducible for a given seed (its own generator, not the system's).
public struct Sampler: Sendable {
  public let parameters: SamplingParameters
  private var random: SplitMix64

  public init(_ parameters: SamplingParameters) {
    self.parameters = parameters
    random = SplitMix64(seed: parameters.seed)
  }

  /// The next token given `logits` over the vocabulary and the tokens seen so far.
  public mutating func next(logits: [Float], context: [Int]) -> Int {
    var scores = logits
    if let penalty = parameters.repetitionPenalty, penalty != 1 {
      let p = Float(penalty)
      for token in Set(context) where token >= 0 && token < scores.count {
        scores[token] = scores[token] > 0 ? scores[token] / p : scores[token] * p
      }
    }
    guard let temperature = parameters.temperature, temperature > 0 else {
      return Self.argmax(scores)
    }
    // Candidates sorted by score, cut by top-k, then by top-p over the tempered softmax.
    var order = Array(scores.indices).sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
    if let k = parameters.topK, k > 0, k < order.count { order.removeSubrange(k...) }
    let maximum = Double(scores[order[0]])
    var probabilities = order.map { exp((Double(scores[$0]) - maximum) / temperature) }
    let total = probabilities.reduce(0, +)
    probabilities = probabilities.map { $0 / total }
    if let p = parameters.topP, p > 0, p < 1 {
      var cumulative = 0.0
      var keep = probabilities.count
      for (i, probability) in probabilities.enumerated() {
        cumulative += probability
        if cumulative >= p {
          keep = i + 1
          break
        }
      }
      order.removeSubrange(keep...)
      probabilities.removeSubrange(keep...)
    }
    let mass = probabilities.reduce(0, +)
    var u = random.nextUnit() * mass
    for (i, probability) in probabilities.enumerated() {
      u -= probability
      if u < 0 { return order[i] }
    }
    return order[order.count - 1]
  }

  /// Index of the largest value; the lowest index wins ties (as torch.argmax).
  public static func argmax(_ values: [Float]) -> Int {
    var best = 0
    for i in values.indices where values[i] > values[best] { best = i }
    return best
  }
}

/// SplitMix64 (Steele et al.): a tiny, well-mixed generator with a 64-bit state.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in [0, 1) with 53 bits.
  public mutating func nextUnit() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }
}
