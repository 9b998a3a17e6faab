import Foundation
import SlicerCodec
import SlicerTensor

/// Why a generation ended.
public enum StopReason: String, Sendable, Codable {
  case maxTokens = "max_tokens"
  case endOfSequence = "eos"
  case contextFull = "context_full"
  case cancelled
  /// A split change was requested; the caller rebuilds and continues.
  case splitChange = "split_change"
}

/// What one step of split generation did: the token, what crossed the link, where time went.
public struct StepRecord: Sendable {
  public var token: Int
  public var logProbability: Double
  /// Codec statistics of each position sent in this step (the whole prompt for the first).
  public var link: [StepStats]
  /// Bytes the payloads put on the link.
  public var payloadBytes: Int
  public var headSeconds: Double
  public var encodeSeconds: Double
  /// The tail's own compute time, and the whole round trip through the transport.
  public var tailSeconds: Double
  public var roundTripSeconds: Double

  /// Codec bits of this step, all positions, all parts.
  public var bits: Int { link.reduce(0) { $0 + $1.totalBits } }
  /// Positions sent in this step.
  public var positions: Int { link.count }
}

/// The client's split generation loop: head → codec → transport (tail) → next token.
///
/// The transport may be the in-process `LocalTail` or a remote server; the loop cannot tell.
public struct Generator {
  public private(set) var head: SplitHead
  public var transport: any TailTransport
  public private(set) var encoder: LinkEncoder
  /// Every position's token so far (prompt and generated) that has passed through the model.
  public private(set) var context: [Int] = []
  /// The last token chosen, which has not yet passed through the model; the next `generate`
  /// feeds it first (in a chat, the end-of-turn token before the next user turn).
  public private(set) var pendingToken: Int?

  public init(head: SplitHead, codec: CodecSpec, transport: any TailTransport) {
    self.head = head
    encoder = LinkEncoder(codec)
    self.transport = transport
  }

  /// An in-process split: head and `LocalTail` on one model.
  public init(
    model: any DecoderModel, split: Int, codec: CodecSpec = .none,
    sampling: SamplingParameters = .greedy
  ) throws {
    self.init(
      head: try SplitHead(model: model, split: split), codec: codec,
      transport: try LocalTail(model: model, split: split, codec: codec, sampling: sampling))
  }

  public var contextLength: Int { head.model.info.contextLength }
  public var split: Int { head.split }

  /// Changes the codec on both ends from the next position on.
  public mutating func setCodec(_ spec: CodecSpec) throws {
    try transport.setCodec(spec)
    encoder = LinkEncoder(spec)
  }

  /// Generates up to `maxTokens` tokens after `prompt` (new positions after what the
  /// conversation already holds), calling `onStep` as each is chosen; `onStep` returns false to
  /// stop. Stops after a token in `stopTokens`, or when the context is full.
  ///
  /// `control`, when given, is polled before each step: a stop ends the generation
  /// (`.cancelled`), a codec change applies to the next step, a split change ends it with
  /// `.splitChange` (the caller rebuilds the split and continues).
  public mutating func generate(
    prompt: [Int], maxTokens: Int, stopTokens: Set<Int>, control: GenerationControl? = nil,
    onStep: (StepRecord) throws -> Bool
  ) throws -> StopReason {
    let prompt = (pendingToken.map { [$0] } ?? []) + prompt
    guard !prompt.isEmpty else { throw GenerationError.emptyPrompt }
    guard head.position + prompt.count <= contextLength else {
      throw GenerationError.promptTooLong(tokens: head.position + prompt.count, limit: contextLength)
    }
    var input = prompt
    var produced = 0
    while produced < maxTokens {
      if let control {
        if control.isStopRequested { return .cancelled }
        if let spec = control.takeCodec() { try setCodec(spec) }
        if let split = control.takeSplit() {
          control.requestSplit(split)  // left for the caller, who owns the rebuild
          return .splitChange
        }
      }
      let t0 = ContinuousClock.now
      pendingToken = nil
      let hidden = try head.forward(input)
      let t1 = ContinuousClock.now
      let (payloads, stats) = encoder.encode(hidden)
      let t2 = ContinuousClock.now
      let reply =
        input.count == 1 && produced > 0
        ? try transport.step(payloads[0])
        : try transport.prefill(payloads, tokens: input)
      let t3 = ContinuousClock.now
      context += input
      pendingToken = reply.token
      produced += 1
      let record = StepRecord(
        token: reply.token, logProbability: reply.logProbability, link: stats,
        payloadBytes: payloads.reduce(0) { $0 + $1.byteCount },
        headSeconds: (t1 - t0).seconds, encodeSeconds: (t2 - t1).seconds,
        tailSeconds: reply.tailSeconds, roundTripSeconds: (t3 - t2).seconds)
      guard try onStep(record) else { return .cancelled }
      if stopTokens.contains(reply.token) { return .endOfSequence }
      if produced == maxTokens { break }
      // The chosen token must itself pass through the model before the next can be picked.
      if head.position + 1 > contextLength { return .contextFull }
      input = [reply.token]
    }
    return .maxTokens
  }

  /// Runs `tokens` through head and tail without sampling from the result: rebuilding a
  /// conversation after a split change or a reconnect. Any pending token stays pending.
  public mutating func replay(_ tokens: [Int]) throws {
    guard !tokens.isEmpty else { return }
    let (payloads, _) = encoder.encode(try head.forward(tokens))
    _ = try transport.prefill(payloads, tokens: tokens)
    context += tokens
  }

  /// Marks `token` as chosen but not yet fed (restoring a conversation).
  public mutating func setPending(_ token: Int?) { pendingToken = token }

  /// Starts a new conversation on the same model, split and codec.
  public mutating func reset() throws {
    head.reset()
    try transport.reset()
    context = []
    pendingToken = nil
  }
}

public enum GenerationError: Error, CustomStringConvertible, Equatable {
  case emptyPrompt
  case promptTooLong(tokens: Int, limit: Int)

  public var description: String {
    switch self {
    case .emptyPrompt:
      return "the prompt is empty"
    case .promptTooLong(let tokens, let limit):
      return "the prompt is \(tokens) tokens long, but the model's context holds \(limit)"
    }
  }
}

extension Duration {
  /// This duration in seconds.
  public var seconds: Double {
    Double(components.seconds) + Double(components.attoseconds) * 1e-18
  }
}
