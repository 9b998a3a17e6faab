import SlicerTensor

/// What the split needs of a decoder-only language model, whatever its architecture.
///
/// The residual stream is the interface: `embed` makes it, each `layer` transforms it, and
/// `logits` reads the next-token distribution off it. A split at `s` runs `embed` and layers
/// `0..<s` on the client and layers `s..<layerCount` plus `logits` on the tail.
public protocol DecoderModel: Sendable {
  var info: ModelInfo { get }

  /// The residual stream entering layer 0 for `tokens` at absolute positions
  /// `startPosition ..< startPosition + tokens.count`: `(tokens.count, info.hiddenSize)`.
  func embed(_ tokens: [Int], startPosition: Int) -> Matrix

  /// Runs decoder layer `index` on new positions, appending their keys and values to `cache`
  /// (whose current length is the absolute position of the first new row).
  func layer(_ index: Int, _ hidden: Matrix, cache: inout LayerCache) -> Matrix

  /// Final norm (and projections) plus the LM head: `(n, hiddenSize)` → `(n, vocabularySize)`.
  func logits(_ hidden: Matrix) -> Matrix
}

/// Facts about a loaded model that the rest of the program shows or checks.
public struct ModelInfo: Sendable, Equatable {
  /// Architecture name as the checkpoint calls it (`opt`, `llama`).
  public var architecture: String
  /// A human name (directory or `general.name`).
  public var name: String
  public var layerCount: Int
  /// Width of the residual stream, i.e. of what crosses the split.
  public var hiddenSize: Int
  public var vocabularySize: Int
  /// The most positions the model can attend over.
  public var contextLength: Int
  /// Width of one position's keys (= values) in a layer's KV cache.
  public var kvWidth: Int

  public init(
    architecture: String, name: String, layerCount: Int, hiddenSize: Int, vocabularySize: Int,
    contextLength: Int, kvWidth: Int? = nil
  ) {
    self.architecture = architecture
    self.name = name
    self.layerCount = layerCount
    self.hiddenSize = hiddenSize
    self.vocabularySize = vocabularySize
    self.contextLength = contextLength
    self.kvWidth = kvWidth ?? hiddenSize
  }
}
