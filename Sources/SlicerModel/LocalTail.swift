import Foundation
import SlicerCodec
import SlicerTensor

/// The tail in this process: decodes payloads with the codec, runs layers `split..<L` and the
/// LM head, and samples. `slicer serve` wraps the same type per session.
public struct LocalTail: TailTransport {
  public private(set) var tail: SplitTail
  public private(set) var codec: any FeatureCodec
  private var sampler: Sampler
  /// Ids of every position so far (for the repetition penalty): the prompt's, then the tail's
  /// own choices.
  private var context: [Int] = []
  /// The token the tail chose last; the next step's position holds it.
  private var lastChoice: Int?

  public let endpoint = "in-process"

  public init(model: any DecoderModel, split: Int, codec: CodecSpec, sampling: SamplingParameters)
    throws
  {
    tail = try SplitTail(model: model, split: split)
    self.codec = codec.makeCodec()
    sampler = Sampler(sampling)
  }

  public var model: any DecoderModel { tail.model }

  /// The rows a batch of payloads decodes to.
  public func decode(_ payloads: [LinkPayload]) throws -> Matrix {
    let d = tail.model.info.hiddenSize
    var values: [Float] = []
    values.reserveCapacity(payloads.count * d)
    for payload in payloads {
      let row: [Float]
      switch payload {
      case .floats(let floats): row = floats
      case .encoded(let bytes): row = try codec.decode(bytes, dimension: d)
      }
      guard row.count == d else { throw SplitError.widthMismatch(expected: d, got: row.count) }
      values += row
    }
    return Matrix(rows: payloads.count, columns: d, values: values)
  }

  public mutating func prefill(_ payloads: [LinkPayload], tokens: [Int]) throws -> TailReply {
    context += tokens
    return try advance(payloads)
  }

  public mutating func step(_ payload: LinkPayload) throws -> TailReply {
    if let lastChoice { context.append(lastChoice) }
    return try advance([payload])
  }

  private mutating func advance(_ payloads: [LinkPayload]) throws -> TailReply {
    let start = ContinuousClock.now
    let logits = try tail.forward(try decode(payloads), logits: .last).values
    let token = sampler.next(logits: logits, context: context)
    lastChoice = token
    let logProbability = logits.withUnsafeBufferPointer {
      Double($0[token]) - Softmax.logSumExp($0)
    }
    return TailReply(
      token: token, logProbability: logProbability, tailSeconds: (ContinuousClock.now - start).seconds)
  }

  public mutating func score(_ payloads: [LinkPayload], targets: [Int], distributions: Bool)
    throws -> TailScore
  {
    var fresh = try SplitTail(model: tail.model, split: tail.split)
    let logits = try fresh.forward(try decode(payloads), logits: .all)
    let nll = PerplexityEvaluator.negativeLogLikelihoods(logits: logits, targets: targets)
    let scored = max(logits.rows - 1, 0)
    let argmax = (0..<scored).map { Sampler.argmax(logits.row($0)) }
    return TailScore(
      logProbabilities: nll.map { -$0 }, argmax: argmax,
      distributions: distributions ? logits.rows(0..<scored) : nil)
  }

  public mutating func setCodec(_ spec: CodecSpec) throws { codec = spec.makeCodec() }

  public mutating func setSampling(_ parameters: SamplingParameters) throws {
    sampler = Sampler(parameters)
  }

  public mutating func reset() throws {
    tail.reset()
    context = []
    lastChoice = nil
  }
}
