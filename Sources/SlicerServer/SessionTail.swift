import Foundation
import SlicerModel
import SlicerTensor
import SlicerWire

/// One session's tail: layers `split..<L` with this session's own KV caches, the LM head and the
/// sampler — the same computation as the in-process `LocalTail`, so a remote tail picks the
/// same tokens.
///
/// Ownership: a session has at most one request in flight, and whoever runs it (the compute
/// thread, or the connection's event loop for the small requests) is the only one touching this
/// object until it hands the reply back; the hand-offs go through the scheduler's lock and the
/// event loop's task queue, which order the memory accesses. Hence `@unchecked Sendable`.
final class SessionTail: @unchecked Sendable {
  let model: any DecoderModel
  let split: Int
  /// Caches of layers `split..<L`, index `layer - split`.
  private var caches: [LayerCache]
  private var sampler: Sampler
  /// Token ids for the repetition penalty: PREFILL ids, then each token sampled.
  private var history: [Int] = []
  /// The last sampled token: the token at the position the next STEP brings.
  private var lastChoice: Int?

  init(model: any DecoderModel, split: Int, sampling: SamplingParameters) {
    self.model = model
    self.split = split
    caches = (split..<model.info.layerCount).map { _ in LayerCache(width: model.info.kvWidth) }
    sampler = Sampler(sampling)
  }

  /// Positions in the caches.
  var contextLength: Int { caches.first?.length ?? 0 }

  /// A sampled token and its log-probability under the model's own distribution.
  struct Choice: Equatable {
    var token: Int
    var logProbability: Float
  }

  /// PREFILL: appends `rows` and, when `sample`, picks the token after the last.
  func prefill(_ rows: Matrix, tokens: [Int]?, sample: Bool) -> Choice? {
    if let tokens { history += tokens }
    lastChoice = nil
    let hidden = forward(rows)
    guard sample else { return nil }
    return choose(logits: model.logits(hidden.rows((hidden.rows - 1)..<hidden.rows)).values)
  }

  /// STEP, alone: appends one row and picks the next token.
  func step(_ row: Matrix) -> Choice {
    beginStep()
    return choose(logits: model.logits(forward(row)).values)
  }

  /// The part of a STEP before the layers (for a batched step).
  func beginStep() {
    if let lastChoice { history.append(lastChoice) }
  }

  /// Hands the cache of `layer` to a batch, leaving an empty one; `returnCache` puts it back.
  /// (Moving it out keeps its storage uniquely referenced, so appending does not copy it.)
  func takeCache(layer: Int) -> LayerCache {
    let cache = caches[layer - split]
    caches[layer - split] = LayerCache(width: cache.width)
    return cache
  }

  func returnCache(_ cache: LayerCache, layer: Int) { caches[layer - split] = cache }

  /// Samples from `logits` (one row over the vocabulary), remembering the choice.
  func choose(logits: [Float]) -> Choice {
    let token = sampler.next(logits: logits, context: history)
    lastChoice = token
    let logProbability = logits.withUnsafeBufferPointer {
      Double($0[token]) - Softmax.logSumExp($0)
    }
    return Choice(token: token, logProbability: Float(logProbability))
  }

  /// SCORE: appends `rows`; for each, log p(target) and the argmax, and optionally the whole
  /// log-softmax.
  func score(_ rows: Matrix, targets: [Int], distributions: Bool) -> Scores {
    lastChoice = nil
    let logits = model.logits(forward(rows))
    let v = logits.columns
    var positions: [ScoredPosition] = []
    var table: [Float] = []
    if distributions { table.reserveCapacity(logits.rows * v) }
    logits.values.withUnsafeBufferPointer { all in
      for r in 0..<logits.rows {
        let row = UnsafeBufferPointer(rebasing: all[(r * v)..<((r + 1) * v)])
        let total = Softmax.logSumExp(row)
        var best = 0
        for i in 0..<v where row[i] > row[best] { best = i }
        positions.append(
          ScoredPosition(targetLogProb: Float(Double(row[targets[r]]) - total), argmax: best))
        if distributions {
          for i in 0..<v { table.append(Float(Double(row[i]) - total)) }
        }
      }
    }
    return Scores(
      positions: positions,
      distributions: distributions ? LogProbTable(vocabularySize: v, logProbs: table) : nil)
  }

  func setSampling(_ parameters: SamplingParameters) { sampler = Sampler(parameters) }

  /// RESET: an empty context and history; split, codec and sampling (and its random state,
  /// as in `LocalTail`) stay.
  func reset() {
    for i in caches.indices { caches[i].removeAll() }
    history = []
    lastChoice = nil
  }

  /// Layers `split..<L` on new rows, exactly as `SplitTail.forward` runs them.
  private func forward(_ rows: Matrix) -> Matrix {
    var h = rows
    for i in split..<model.info.layerCount {
      h = model.layer(i, h, cache: &caches[i - split])
    }
    return h
  }
}

extension SamplingParameters {
  /// The wire's sampling block as the model's parameters (0 / 1 mean "off" on the wire).
  init(_ s: Sampling) {
    self.init(
      temperature: s.temperature > 0 ? s.temperature : nil, topK: s.topK > 0 ? s.topK : nil,
      topP: s.topP < 1 ? s.topP : nil,
      repetitionPenalty: s.repetitionPenalty != 1 ? s.repetitionPenalty : nil, seed: s.seed)
  }
}

extension Sampling {
  /// The model's sampling parameters as the wire carries them.
  public init(_ p: SamplingParameters) {
    self.init(
      temperature: p.temperature ?? 0, topK: p.topK ?? 0, topP: p.topP ?? 1,
      repetitionPenalty: p.repetitionPenalty ?? 1, seed: p.seed)
  }
}
