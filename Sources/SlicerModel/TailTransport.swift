import SlicerCodec
import SlicerTensor

/// One position's hidden state as it crosses the split: the codec's bytes, or for the `none`
/// codec the float vector itself.
public enum LinkPayload: Sendable, Equatable {
  case encoded([UInt8])
  case floats([Float])

  /// Bytes this payload puts on the link (fp32 for raw floats).
  public var byteCount: Int {
    switch self {
    case .encoded(let bytes): bytes.count
    case .floats(let values): values.count * 4
    }
  }
}

/// The tail's answer to a prefill or a step: the token it picked for the next position.
public struct TailReply: Sendable, Equatable {
  public var token: Int
  /// log p(token) under the tail's distribution (before temperature).
  public var logProbability: Double
  /// Time the tail spent decoding and computing, as the tail measured it.
  public var tailSeconds: Double

  public init(token: Int, logProbability: Double, tailSeconds: Double) {
    self.token = token
    self.logProbability = logProbability
    self.tailSeconds = tailSeconds
  }
}

/// Per-position scores of a text, for perplexity and evaluation through any tail.
public struct TailScore: Sendable, Equatable {
  /// log p(target) at each scored position.
  public var logProbabilities: [Double]
  /// The tail's most likely token at each scored position.
  public var argmax: [Int]
  /// When asked for: each scored position's whole next-token distribution, one row over the
  /// vocabulary, as log-probabilities up to a constant per row (normalize before use). The
  /// in-process tail gives its fp32 logits; a remote tail the fp16 log-softmax the server sent.
  public var distributions: Matrix?

  public init(logProbabilities: [Double], argmax: [Int], distributions: Matrix? = nil) {
    self.logProbabilities = logProbabilities
    self.argmax = argmax
    self.distributions = distributions
  }
}

/// Where the tail runs: in this process, or behind a `slicer serve` connection. The client's
/// generation loop talks only to this.
///
/// A conversation is `prefill` (the prompt's positions), then one `step` per generated token;
/// the tail keeps its own KV cache and samples the next token itself. `tokens` of a prefill
/// are the ids of the positions being sent, so the tail can apply a repetition penalty; the
/// tail knows the ids of later positions because it chose them.
public protocol TailTransport {
  /// A human description: `in-process` or `host:port`.
  var endpoint: String { get }
  mutating func prefill(_ payloads: [LinkPayload], tokens: [Int]) throws -> TailReply
  mutating func step(_ payload: LinkPayload) throws -> TailReply
  /// Scores the positions `payloads` (a fresh context each call): log p(targets[i]) from
  /// position i − 1, for i ≥ 1; with `distributions`, also every scored position's whole
  /// next-token distribution (for KL against a reference).
  mutating func score(_ payloads: [LinkPayload], targets: [Int], distributions: Bool) throws
    -> TailScore
  /// The codec (and so the decoder) changes from the next message on.
  mutating func setCodec(_ spec: CodecSpec) throws
  /// Sampling changes from the next token on.
  mutating func setSampling(_ parameters: SamplingParameters) throws
  /// Forgets the conversation (the KV cache).
  mutating func reset() throws
}

extension TailTransport {
  /// Scores without the distributions (perplexity).
  public mutating func score(_ payloads: [LinkPayload], targets: [Int]) throws -> TailScore {
    try score(payloads, targets: targets, distributions: false)
  }
}
