import SlicerTensor

/// The client half of a split model: embeddings and layers `0..<split`.
///
/// Feed it tokens in order (the whole prompt, then one token per step); it returns the residual
/// stream at the split for each new token and keeps the KV cache of its layers.
public struct SplitHead: Sendable {
  public let model: any DecoderModel
  public let split: Int
  private var caches: [LayerCache]
  /// Tokens processed so far = absolute position of the next token.
  public private(set) var position = 0

  public init(model: any DecoderModel, split: Int) throws(SplitError) {
    try SplitError.check(split: split, layerCount: model.info.layerCount)
    self.model = model
    self.split = split
    caches = (0..<split).map { _ in LayerCache(width: model.info.kvWidth) }
  }

  /// The residual stream entering layer `split` for `tokens`: `(tokens.count, hiddenSize)`.
  public mutating func forward(_ tokens: [Int]) throws(SplitError) -> Matrix {
    guard position + tokens.count <= model.info.contextLength else {
      throw .contextFull(limit: model.info.contextLength, requested: position + tokens.count)
    }
    for t in tokens where t < 0 || t >= model.info.vocabularySize {
      throw .tokenOutOfRange(t, vocabularySize: model.info.vocabularySize)
    }
    var h = model.embed(tokens, startPosition: position)
    for i in 0..<split { h = model.layer(i, h, cache: &caches[i]) }
    position += tokens.count
    return h
  }

  /// Forgets the conversation.
  public mutating func reset() {
    for i in caches.indices { caches[i].removeAll() }
    position = 0
  }
}

/// Which positions of a tail's input need logits.
public enum LogitRows: Sendable {
  /// Every position (scoring a text).
  case all
  /// Only the last (generation).
  case last
}

/// The server half of a split model: layers `split..<L`, the final norm and the LM head.
public struct SplitTail: Sendable {
  public let model: any DecoderModel
  public let split: Int
  private var caches: [LayerCache]
  public private(set) var position = 0

  public init(model: any DecoderModel, split: Int) throws(SplitError) {
    try SplitError.check(split: split, layerCount: model.info.layerCount)
    self.model = model
    self.split = split
    caches = (split..<model.info.layerCount).map { _ in LayerCache(width: model.info.kvWidth) }
  }

  /// Logits for residual streams that crossed the split: `(rows, vocabularySize)`.
  public mutating func forward(_ hidden: Matrix, logits rows: LogitRows = .all) throws(SplitError)
    -> Matrix
  {
    guard hidden.columns == model.info.hiddenSize else {
      throw .widthMismatch(expected: model.info.hiddenSize, got: hidden.columns)
    }
    guard position + hidden.rows <= model.info.contextLength else {
      throw .contextFull(limit: model.info.contextLength, requested: position + hidden.rows)
    }
    var h = hidden
    for i in split..<model.info.layerCount {
      h = model.layer(i, h, cache: &caches[i - split])
    }
    position += hidden.rows
    switch rows {
    case .all: return model.logits(h)
    case .last: return model.logits(h.rows((h.rows - 1)..<h.rows))
    }
  }

  public mutating func reset() {
    for i in caches.indices { caches[i].removeAll() }
    position = 0
  }
}

/// Errors of the split interface, each a sentence a user can act on.
public enum SplitError: Error, CustomStringConvertible, Equatable {
  case splitOutOfRange(split: Int, layerCount: Int)
  case contextFull(limit: Int, requested: Int)
  case tokenOutOfRange(Int, vocabularySize: Int)
  case widthMismatch(expected: Int, got: Int)

  static func check(split: Int, layerCount: Int) throws(SplitError) {
    guard (0...layerCount).contains(split) else {
      throw .splitOutOfRange(split: split, layerCount: layerCount)
    }
  }

  public var description: String {
    switch self {
    case .splitOutOfRange(let split, let layerCount):
      return "split \(split) is outside 0…\(layerCount) (the model has \(layerCount) layers)"
    case .contextFull(let limit, let requested):
      return "the context is full: \(requested) positions requested, the model attends over at most \(limit)"
    case .tokenOutOfRange(let token, let vocabularySize):
      return "token id \(token) is outside the vocabulary (0..<\(vocabularySize))"
    case .widthMismatch(let expected, let got):
      return "the tail expects hidden states of width \(expected), got \(got)"
    }
  }
}
