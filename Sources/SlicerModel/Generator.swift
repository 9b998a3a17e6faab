import Foundation
import SlicerTensor

/// Why a generation ended.
public enum StopReason: String, Sendable, Codable {
  case maxTokens = "max_tokens"
  case endOfSequence = "eos"
  case contextFull = "context_full"
  case cancelled
}

/// The split generation loop: head → link → tail → sampler, one token at a time.
///
/// `link` carries the residual stream across the split; for an uncompressed in-process split it
/// is the identity. It is called once for the prompt (all its rows) and once per generated token.
public struct Generator {
  public var head: SplitHead
  public var tail: SplitTail
  public var sampler: Sampler
  /// Every token seen so far (prompt and generated), for the repetition penalty.
  public private(set) var context: [Int] = []

  public init(model: any DecoderModel, split: Int, sampling: SamplingParameters) throws {
    head = try SplitHead(model: model, split: split)
    tail = try SplitTail(model: model, split: split)
    sampler = Sampler(sampling)
  }

  public var contextLength: Int { head.model.info.contextLength }

  /// Generates up to `maxTokens` tokens after `prompt`, calling `onToken` with each one as it is
  /// chosen; `onToken` returns false to stop. Stops at `stopTokens` (the stop token is reported
  /// and included) or when the context is full.
  public mutating func generate(
    prompt: [Int], maxTokens: Int, stopTokens: Set<Int>,
    link: (Matrix) throws -> Matrix = { $0 },
    onToken: (Int) throws -> Bool
  ) throws -> StopReason {
    guard !prompt.isEmpty else { throw GenerationError.emptyPrompt }
    guard head.position + prompt.count <= contextLength else {
      throw GenerationError.promptTooLong(tokens: head.position + prompt.count, limit: contextLength)
    }
    var input = prompt
    context.append(contentsOf: prompt)
    var produced = 0
    while produced < maxTokens {
      let hidden = try link(try head.forward(input))
      let logits = try tail.forward(hidden, logits: .last)
      let token = sampler.next(logits: logits.values, context: context)
      context.append(token)
      produced += 1
      guard try onToken(token) else { return .cancelled }
      if stopTokens.contains(token) { return .endOfSequence }
      if produced == maxTokens { break }
      // The chosen token must itself pass through the model before the next one can be picked.
      if head.position + 1 > contextLength { return .contextFull }
      input = [token]
    }
    return .maxTokens
  }

  /// Starts a new conversation on the same model and split.
  public mutating func reset() {
    head.reset()
    tail.reset()
    context = []
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
