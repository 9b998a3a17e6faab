import SlicerTensor

/// OPT (Zhang et al. 2022), following transformers' `modeling_opt.py` (`OPTForCausalLM`).
///
/// Variants from the config: pre- or post-LayerNorm blocks (`do_layer_norm_before`), a final
/// LayerNorm only for pre-LN models, `project_in`/`project_out` when the token embedding is
/// narrower than the residual stream (opt-350m), optional biases and LayerNorm affines. Learned
/// positions are offset by 2 (rows 0 and 1 of `embed_positions` are never used for unpadded input).
/// The LM head is tied to the token embedding unless the checkpoint has its own `lm_head.weight`.
public struct OPTModel: DecoderModel {
  public let config: OPTConfig
  public let info: ModelInfo

  /// `(vocab, wordEmbedProjDim)` token embedding, also the tied LM head; in the checkpoint's
  /// precision, rows decoded on lookup.
  let embedTokens: WeightMatrix
  /// `(maxPositions + 2, hidden)` learned positions.
  let embedPositions: WeightMatrix
  /// `wordEmbedProjDim → hidden`, present when the widths differ.
  let projectIn: Linear?
  /// `hidden → wordEmbedProjDim`, present when the widths differ.
  let projectOut: Linear?
  let finalLayerNorm: LayerNorm?
  /// `(vocab, wordEmbedProjDim)`, no bias.
  let lmHead: Linear
  let layers: [Block]

  /// transformers' OPT position offset: position p reads row p + 2 of `embed_positions`.
  static let positionOffset = 2

  struct Block: Sendable {
    let qProj, kProj, vProj, outProj: Linear  // hidden → hidden
    let selfAttnLayerNorm: LayerNorm
    let fc1: Linear  // hidden → ffn
    let fc2: Linear  // ffn → hidden
    let finalLayerNorm: LayerNorm
  }

  /// Loads the weights named as transformers names them, under `model.decoder.` or `decoder.`.
  public init(config: OPTConfig, weights: some WeightProvider, name: String) throws {
    try config.validate()
    self.config = config
    let d = config.hiddenSize
    let e = config.wordEmbedProjDim
    let prefixes = ["model.decoder.", "decoder."]
    func load(_ n: String, _ shape: [Int]) throws -> [Float] {
      try weights.load(n, prefixes: prefixes, shape: shape)
    }
    func optional(_ n: String, _ shape: [Int]) throws -> [Float]? {
      try weights.optional(n, prefixes: prefixes, shape: shape)?()
    }
    func matrix(_ n: String, _ shape: [Int]) throws -> WeightMatrix {
      try weights.loadMatrix(n, prefixes: prefixes, shape: shape)
    }
    func linear(_ n: String, _ input: Int, _ output: Int, bias: Bool) throws -> Linear {
      let w = try matrix(n + ".weight", [output, input])
      let b = bias ? try load(n + ".bias", [output]) : nil
      return Linear(weight: w, bias: b)
    }
    func layerNorm(_ n: String) throws -> LayerNorm {
      guard config.layerNormElementwiseAffine else { return LayerNorm(weight: nil, bias: nil) }
      return LayerNorm(weight: try load(n + ".weight", [d]), bias: try optional(n + ".bias", [d]))
    }

    embedTokens = try matrix("embed_tokens.weight", [config.vocabSize, e])
    embedPositions = try matrix(
      "embed_positions.weight", [config.maxPositionEmbeddings + Self.positionOffset, d])
    projectIn = e == d ? nil : try linear("project_in", e, d, bias: false)
    projectOut = e == d ? nil : try linear("project_out", d, e, bias: false)
    finalLayerNorm = config.hasFinalLayerNorm ? try layerNorm("final_layer_norm") : nil
    // transformers ties the head to the token embedding when the config says so, whatever
    // `lm_head.weight` the file may also carry.
    let head =
      config.tieWordEmbeddings
      ? embedTokens
      : try weights.optionalMatrix("lm_head.weight", prefixes: [""], shape: [config.vocabSize, e])?()
        ?? embedTokens
    lmHead = Linear(weight: head, bias: nil)

    let bias = config.enableBias
    layers = try (0..<config.numHiddenLayers).map { i in
      let p = "layers.\(i)."
      return Block(
        qProj: try linear(p + "self_attn.q_proj", d, d, bias: bias),
        kProj: try linear(p + "self_attn.k_proj", d, d, bias: bias),
        vProj: try linear(p + "self_attn.v_proj", d, d, bias: bias),
        outProj: try linear(p + "self_attn.out_proj", d, d, bias: bias),
        selfAttnLayerNorm: try layerNorm(p + "self_attn_layer_norm"),
        fc1: try linear(p + "fc1", d, config.ffnDim, bias: bias),
        fc2: try linear(p + "fc2", config.ffnDim, d, bias: bias),
        finalLayerNorm: try layerNorm(p + "final_layer_norm"))
    }
    info = ModelInfo(
      architecture: "opt", name: name, layerCount: config.numHiddenLayers, hiddenSize: d,
      vocabularySize: config.vocabSize, contextLength: config.maxPositionEmbeddings)
  }

  public func embed(_ tokens: [Int], startPosition: Int) -> Matrix {
    let e = config.wordEmbedProjDim
    var x = Matrix(zeros: tokens.count, e)
    x.values.withUnsafeMutableBufferPointer { v in
      for (r, token) in tokens.enumerated() {
        precondition(token >= 0 && token < config.vocabSize, "token id \(token) out of range")
        embedTokens.decodeRows(token..<(token + 1), into: v.baseAddress! + r * e)
      }
    }
    if let projectIn { x = projectIn(x) }
    let d = config.hiddenSize
    var position = [Float](repeating: 0, count: d)
    for r in 0..<tokens.count {
      let row = startPosition + r + Self.positionOffset
      precondition(startPosition + r < config.maxPositionEmbeddings, "position beyond context")
      position.withUnsafeMutableBufferPointer { embedPositions.decodeRows(row..<(row + 1), into: $0.baseAddress!) }
      for c in 0..<d { x.values[r * d + c] += position[c] }
    }
    return x
  }

  public func layer(_ index: Int, _ hidden: Matrix, cache: inout LayerCache) -> Matrix {
    let block = layers[index]
    let preLN = config.doLayerNormBefore
    let heads = config.numAttentionHeads
    let headDim = config.hiddenSize / heads

    // Self-attention: transformers scales q by headDim^-0.5 after q_proj; we fold it into the
    // score GEMM, which is the same product.
    var h = preLN ? block.selfAttnLayerNorm(hidden) : hidden
    let q = block.qProj(h)
    let past = cache.length
    cache.append(keys: block.kProj(h).values, values: block.vProj(h).values)
    let attended = cache.keys.withUnsafeBufferPointer { k in
      cache.values.withUnsafeBufferPointer { v in
        Attention.causal(
          queries: q, keys: k.baseAddress!, values: v.baseAddress!, past: past, heads: heads,
          kvHeads: heads, headDim: headDim, scale: 1 / Float(headDim).squareRoot())
      }
    }
    h = block.outProj(attended)
    h.add(hidden)
    if !preLN { h = block.selfAttnLayerNorm(h) }

    // Feed-forward.
    let residual = h
    var f = block.fc1(preLN ? block.finalLayerNorm(h) : h)
    Activation.relu(&f)
    h = block.fc2(f)
    h.add(residual)
    if !preLN { h = block.finalLayerNorm(h) }
    return h
  }

  public func logits(_ hidden: Matrix) -> Matrix {
    var h = hidden
    if let finalLayerNorm { h = finalLayerNorm(h) }
    if let projectOut { h = projectOut(h) }
    return lmHead(h)
  }
}

extension OPTModel: WeightFootprintReporting {
  public var weightFootprint: WeightFootprint {
    let layerBytes = layers.map { b in
      b.qProj.byteCount + b.kProj.byteCount + b.vProj.byteCount + b.outProj.byteCount
        + b.fc1.byteCount + b.fc2.byteCount + b.selfAttnLayerNorm.byteCount
        + b.finalLayerNorm.byteCount
    }
    let input = embedTokens.bytesPerRow + embedPositions.bytesPerRow + (projectIn?.byteCount ?? 0)
    let output = (finalLayerNorm?.byteCount ?? 0) + (projectOut?.byteCount ?? 0) + lmHead.byteCount
    let tied = lmHead.weight.storage === embedTokens.storage
    let stored =
      embedTokens.byteCount + embedPositions.byteCount + (projectIn?.byteCount ?? 0)
      + layerBytes.reduce(0, +) + output - (tied ? lmHead.byteCount : 0)
    return WeightFootprint(input: input, layers: layerBytes, output: output, stored: stored)
  }
}
