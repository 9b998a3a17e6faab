/// OPT's `config.json`, as Hugging Face transformers writes it (`OPTConfig`).
/// Keys absent from older configs take transformers' defaults.
public struct OPTConfig: Codable, Sendable, Equatable {
  public var modelType: String
  public var hiddenSize: Int
  public var numHiddenLayers: Int
  public var numAttentionHeads: Int
  public var ffnDim: Int
  public var vocabSize: Int
  public var maxPositionEmbeddings: Int
  public var wordEmbedProjDim: Int
  public var doLayerNormBefore: Bool
  public var removeFinalLayerNorm: Bool
  public var activationFunction: String
  public var enableBias: Bool
  public var layerNormElementwiseAffine: Bool
  public var tieWordEmbeddings: Bool
  public var bosTokenID: Int
  public var eosTokenID: Int
  public var padTokenID: Int

  enum CodingKeys: String, CodingKey {
    case modelType = "model_type"
    case hiddenSize = "hidden_size"
    case numHiddenLayers = "num_hidden_layers"
    case numAttentionHeads = "num_attention_heads"
    case ffnDim = "ffn_dim"
    case vocabSize = "vocab_size"
    case maxPositionEmbeddings = "max_position_embeddings"
    case wordEmbedProjDim = "word_embed_proj_dim"
    case doLayerNormBefore = "do_layer_norm_before"
    case removeFinalLayerNorm = "_remove_final_layer_norm"
    case activationFunction = "activation_function"
    case enableBias = "enable_bias"
    case layerNormElementwiseAffine = "layer_norm_elementwise_affine"
    case tieWordEmbeddings = "tie_word_embeddings"
    case bosTokenID = "bos_token_id"
    case eosTokenID = "eos_token_id"
    case padTokenID = "pad_token_id"
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    modelType = try c.decodeIfPresent(String.self, forKey: .modelType) ?? "opt"
    hiddenSize = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? 768
    numHiddenLayers = try c.decodeIfPresent(Int.self, forKey: .numHiddenLayers) ?? 12
    numAttentionHeads = try c.decodeIfPresent(Int.self, forKey: .numAttentionHeads) ?? 12
    ffnDim = try c.decodeIfPresent(Int.self, forKey: .ffnDim) ?? 3072
    vocabSize = try c.decodeIfPresent(Int.self, forKey: .vocabSize) ?? 50272
    maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? 2048
    wordEmbedProjDim = try c.decodeIfPresent(Int.self, forKey: .wordEmbedProjDim) ?? hiddenSize
    doLayerNormBefore = try c.decodeIfPresent(Bool.self, forKey: .doLayerNormBefore) ?? true
    removeFinalLayerNorm = try c.decodeIfPresent(Bool.self, forKey: .removeFinalLayerNorm) ?? false
    activationFunction = try c.decodeIfPresent(String.self, forKey: .activationFunction) ?? "relu"
    enableBias = try c.decodeIfPresent(Bool.self, forKey: .enableBias) ?? true
    layerNormElementwiseAffine =
      try c.decodeIfPresent(Bool.self, forKey: .layerNormElementwiseAffine) ?? true
    tieWordEmbeddings = try c.decodeIfPresent(Bool.self, forKey: .tieWordEmbeddings) ?? true
    bosTokenID = try c.decodeIfPresent(Int.self, forKey: .bosTokenID) ?? 2
    eosTokenID = try c.decodeIfPresent(Int.self, forKey: .eosTokenID) ?? 2
    padTokenID = try c.decodeIfPresent(Int.self, forKey: .padTokenID) ?? 1
  }

  /// transformers builds the final LayerNorm only for pre-LN models that keep it.
  public var hasFinalLayerNorm: Bool { doLayerNormBefore && !removeFinalLayerNorm }

  /// Rejects configs the engine cannot run, with the reason.
  public func validate() throws(ModelLoadError) {
    guard modelType == "opt" else { throw .unsupportedModelType(modelType) }
    func positive(_ value: Int, _ key: String) throws(ModelLoadError) {
      guard value > 0 && value <= 1 << 20 else { throw .invalidConfig("\(key) = \(value)") }
    }
    try positive(hiddenSize, "hidden_size")
    try positive(numHiddenLayers, "num_hidden_layers")
    try positive(numAttentionHeads, "num_attention_heads")
    try positive(ffnDim, "ffn_dim")
    try positive(vocabSize, "vocab_size")
    try positive(maxPositionEmbeddings, "max_position_embeddings")
    try positive(wordEmbedProjDim, "word_embed_proj_dim")
    guard hiddenSize % numAttentionHeads == 0 else {
      throw .invalidConfig("hidden_size \(hiddenSize) is not divisible by \(numAttentionHeads) heads")
    }
    guard activationFunction == "relu" else {
      throw .invalidConfig("activation_function '\(activationFunction)' (OPT uses relu)")
    }
  }
}
