import Foundation
import SlicerTensor

/// The Llama architecture (SmolLM2, Llama 2/3 …) with GGUF tensor names, following llama.cpp's
/// `llm_build_llama` and transformers' `modeling_llama.py`.
///
/// Pre-RMSNorm blocks, grouped-query attention with rotary positions, SwiGLU feed-forward, final
/// RMSNorm, LM head tied to the token embedding when `output.weight` is absent.
///
/// RoPE convention: GGUF converters permute the rows of `attn_q`/`attn_k` so that rotating
/// *adjacent* pairs `(2i, 2i+1)` (llama.cpp's "normal" RoPE) equals transformers' rotate-half on
/// the original weights. We load GGUF weights as stored, so we rotate adjacent pairs.
public struct LlamaModel: DecoderModel {
  public let config: LlamaConfig
  public let info: ModelInfo

  /// `(vocab, hidden)`, in the checkpoint's precision (rows decoded on lookup).
  let tokenEmbedding: WeightMatrix
  let outputNorm: RMSNorm
  /// `(vocab, hidden)`; the token embedding when tied.
  let output: Linear
  let layers: [Block]
  /// `cos`/`sin` of position·θᵢ for each position and pair.
  let rotary: RotaryTable

  struct Block: Sendable {
    let attentionNorm: RMSNorm
    let query: Linear  // hidden → heads·headDim
    let key: Linear  // hidden → kvHeads·headDim
    let value: Linear  // hidden → kvHeads·headDim
    let attentionOutput: Linear  // heads·headDim → hidden
    let ffnNorm: RMSNorm
    let gate: Linear  // hidden → ffn
    let up: Linear  // hidden → ffn
    let down: Linear  // ffn → hidden
  }

  public init(config: LlamaConfig, weights: some WeightProvider, name: String) throws {
    try config.validate()
    self.config = config
    let d = config.hiddenSize
    let kv = config.kvHeadCount * config.headDim
    func load(_ n: String, _ shape: [Int]) throws -> [Float] {
      try weights.load(n, prefixes: [""], shape: shape)
    }
    func linear(_ n: String, _ input: Int, _ output: Int) throws -> Linear {
      Linear(weight: try weights.loadMatrix(n, prefixes: [""], shape: [output, input]), bias: nil)
    }
    tokenEmbedding = try weights.loadMatrix("token_embd.weight", prefixes: [""], shape: [config.vocabSize, d])
    outputNorm = RMSNorm(weight: try load("output_norm.weight", [d]), epsilon: config.rmsEpsilon)
    let head =
      try weights.optionalMatrix("output.weight", prefixes: [""], shape: [config.vocabSize, d])?()
      ?? tokenEmbedding
    output = Linear(weight: head, bias: nil)
    layers = try (0..<config.layerCount).map { i in
      let p = "blk.\(i)."
      return Block(
        attentionNorm: RMSNorm(weight: try load(p + "attn_norm.weight", [d]), epsilon: config.rmsEpsilon),
        query: try linear(p + "attn_q.weight", d, d),
        key: try linear(p + "attn_k.weight", d, kv),
        value: try linear(p + "attn_v.weight", d, kv),
        attentionOutput: try linear(p + "attn_output.weight", d, d),
        ffnNorm: RMSNorm(weight: try load(p + "ffn_norm.weight", [d]), epsilon: config.rmsEpsilon),
        gate: try linear(p + "ffn_gate.weight", d, config.ffnSize),
        up: try linear(p + "ffn_up.weight", d, config.ffnSize),
        down: try linear(p + "ffn_down.weight", config.ffnSize, d))
    }
    rotary = RotaryTable(
      base: config.ropeBase, dimensions: config.ropeDimensions,
      contextLength: config.contextLength)
    info = ModelInfo(
      architecture: "llama", name: name, layerCount: config.layerCount, hiddenSize: d,
      vocabularySize: config.vocabSize, contextLength: config.contextLength, kvWidth: kv)
  }

  public func embed(_ tokens: [Int], startPosition: Int) -> Matrix {
    let d = config.hiddenSize
    var x = Matrix(zeros: tokens.count, d)
    x.values.withUnsafeMutableBufferPointer { v in
      for (r, token) in tokens.enumerated() {
        precondition(token >= 0 && token < config.vocabSize, "token id \(token) out of range")
        tokenEmbedding.decodeRows(token..<(token + 1), into: v.baseAddress! + r * d)
      }
    }
    return x
  }

  /// Rotates adjacent pairs of every head of `x` in place; row r sits at position `position(r)`.
  func applyRoPE(_ x: inout Matrix, heads: Int, position: (Int) -> Int) {
    let headDim = config.headDim
    let pairs = rotary.pairs
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * pairs) { angles in
      guard let cosines = angles.baseAddress else { return }
      let sines = cosines + pairs
      x.values.withUnsafeMutableBufferPointer { v in
        for r in 0..<x.rows {
          rotary.angles(at: position(r), cos: cosines, sin: sines)
          for h in 0..<heads {
            let base = r * x.columns + h * headDim
            for i in 0..<pairs {
              let c = cosines[i]
              let s = sines[i]
              let a = v[base + 2 * i]
              let b = v[base + 2 * i + 1]
              v[base + 2 * i] = a * c - b * s
              v[base + 2 * i + 1] = a * s + b * c
            }
          }
        }
      }
    }
  }

  /// The attention inputs of layer `block` for `hidden`'s rows, row r at position
  /// `position(r)`: queries and keys rotated, values as projected.
  func attentionInputs(_ block: Block, _ hidden: Matrix, position: (Int) -> Int)
    -> (queries: Matrix, keys: Matrix, values: Matrix)
  {
    let normed = block.attentionNorm(hidden)
    let qkv = Linear.products([block.query, block.key, block.value], normed)
    var q = qkv[0]
    var k = qkv[1]
    applyRoPE(&q, heads: config.headCount, position: position)
    applyRoPE(&k, heads: config.kvHeadCount, position: position)
    return (q, k, qkv[2])
  }

  /// The rest of layer `block` once attention has run: output projection, residual, SwiGLU
  /// feed-forward, residual.
  func afterAttention(_ block: Block, _ attended: Matrix, _ hidden: Matrix) -> Matrix {
    var h = block.attentionOutput(attended)
    h.add(hidden)
    let f = block.ffnNorm(h)
    let gateUp = Linear.products([block.gate, block.up], f)
    var gate = gateUp[0]
    Activation.silu(&gate)
    gate.values.withUnsafeMutableBufferPointer { g in
      gateUp[1].values.withUnsafeBufferPointer { u in
        for i in 0..<g.count { g[i] *= u[i] }
      }
    }
    var out = block.down(gate)
    out.add(h)
    return out
  }

  public func layer(_ index: Int, _ hidden: Matrix, cache: inout LayerCache) -> Matrix {
    let block = layers[index]
    let past = cache.length
    precondition(past + hidden.rows <= config.contextLength, "position beyond context")
    let (q, k, v) = attentionInputs(block, hidden) { past + $0 }
    cache.append(keys: k.values, values: v.values)
    let headDim = config.headDim
    let attended = cache.keys.withUnsafeBufferPointer { keys in
      cache.values.withUnsafeBufferPointer { values in
        Attention.causal(
          queries: q, keys: keys.baseAddress!, values: values.baseAddress!, past: past,
          heads: config.headCount, kvHeads: config.kvHeadCount, headDim: headDim,
          scale: 1 / Float(headDim).squareRoot())
      }
    }
    return afterAttention(block, attended, hidden)
  }

  public func logits(_ hidden: Matrix) -> Matrix {
    output(outputNorm(hidden))
  }
}

extension LlamaModel: WeightFootprintReporting {
  public var weightFootprint: WeightFootprint {
    let layerBytes = layers.map { b in
      b.attentionNorm.byteCount + b.query.byteCount + b.key.byteCount + b.value.byteCount
        + b.attentionOutput.byteCount + b.ffnNorm.byteCount + b.gate.byteCount + b.up.byteCount
        + b.down.byteCount
    }
    let output = outputNorm.byteCount + self.output.byteCount
    let tied = self.output.weight.storage === tokenEmbedding.storage
    let stored =
      tokenEmbedding.byteCount + layerBytes.reduce(0, +) + output
      - (tied ? self.output.byteCount : 0)
    return WeightFootprint(
      input: tokenEmbedding.bytesPerRow, layers: layerBytes, output: output, stored: stored)
  }
}
