/// The Llama-family hyper-parameters, as GGUF metadata (`llama.*`) or a transformers
/// `LlamaConfig` state them.
public struct LlamaConfig: Sendable, Equatable {
  public var hiddenSize: Int  // llama.embedding_length
  public var layerCount: Int  // llama.block_count
  public var headCount: Int  // llama.attention.head_count
  public var kvHeadCount: Int  // llama.attention.head_count_kv
  public var ffnSize: Int  // llama.feed_forward_length
  public var vocabSize: Int
  public var contextLength: Int  // llama.context_length
  public var rmsEpsilon: Float  // llama.attention.layer_norm_rms_epsilon
  public var ropeBase: Float  // llama.rope.freq_base
  /// Rotated dimensions per head (llama.rope.dimension_count; default the whole head).
  public var ropeDimensions: Int

  public init(
    hiddenSize: Int, layerCount: Int, headCount: Int, kvHeadCount: Int, ffnSize: Int,
    vocabSize: Int, contextLength: Int, rmsEpsilon: Float, ropeBase: Float,
    ropeDimensions: Int? = nil
  ) {
    self.hiddenSize = hiddenSize
    self.layerCount = layerCount
    self.headCount = headCount
    self.kvHeadCount = kvHeadCount
    self.ffnSize = ffnSize
    self.vocabSize = vocabSize
    self.contextLength = contextLength
    self.rmsEpsilon = rmsEpsilon
    self.ropeBase = ropeBase
    self.ropeDimensions = ropeDimensions ?? (headCount > 0 ? hiddenSize / headCount : 0)
  }

  public var headDim: Int { hiddenSize / headCount }

  public func validate() throws(ModelLoadError) {
    for (value, key) in [
      (hiddenSize, "embedding_length"), (layerCount, "block_count"), (headCount, "head_count"),
      (kvHeadCount, "head_count_kv"), (ffnSize, "feed_forward_length"), (vocabSize, "vocab_size"),
      (contextLength, "context_length"),
    ] where value <= 0 || value > 1 << 24 {
      throw .invalidConfig("llama.\(key) = \(value)")
    }
    guard hiddenSize % headCount == 0, headCount % kvHeadCount == 0 else {
      throw .invalidConfig(
        "\(hiddenSize) wide with \(headCount) heads and \(kvHeadCount) KV heads does not divide evenly")
    }
    guard ropeDimensions > 0, ropeDimensions <= headDim, ropeDimensions % 2 == 0 else {
      throw .invalidConfig("rope.dimension_count \(ropeDimensions) for head size \(headDim)")
    }
    guard rmsEpsilon > 0, rmsEpsilon.isFinite, ropeBase > 1, ropeBase.isFinite else {
      throw .invalidConfig("rms epsilon \(rmsEpsilon), rope base \(ropeBase)")
    }
  }
}
