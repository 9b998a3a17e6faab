import Foundation
import SlicerTensor

/// Deterministic random weights for a model shape: benchmarks and tests of a model whose real
/// weights are not on this machine. Matrices ~ U(−a, a) with a = 0.02·√3 (std 0.02, as
/// transformers initialises OPT); LayerNorm weights ≈ 1.
public struct RandomWeights: WeightProvider {
  public let shapes: [String: [Int]]
  public let seed: UInt64
  /// How `matrix(_:)` stores matrices: `.f32`, `.f16` or `.bf16` (the values of `floats(_:)`
  /// rounded to nearest-even), like a checkpoint saved in that precision.
  public let matrixFormat: WeightFormat

  public init(shapes: [String: [Int]], seed: UInt64 = 1, matrixFormat: WeightFormat = .f32) {
    precondition(
      [.f32, .f16, .bf16].contains(matrixFormat), "random weights come as F32, F16 or BF16")
    self.shapes = shapes
    self.seed = seed
    self.matrixFormat = matrixFormat
  }

  public func shape(of name: String) -> [Int]? { shapes[name] }

  public func floats(_ name: String) throws -> [Float] {
    var values: [Float] = []
    try generate(name) { count in values.reserveCapacity(count) } element: { values.append($1) }
    return values
  }

  public func matrix(_ name: String) throws -> WeightMatrix {
    guard let shape = shapes[name] else {
      throw ModelLoadError.missingTensor(name: name, triedNames: [name])
    }
    let (rows, columns) = try Self.matrixShape(name, shape)
    // Written straight into the matrix's storage: no second copy of a large embedding is held.
    let storage = try WeightBytes(count: rows * columns * matrixFormat.bytesPerBlock) { bytes in
      switch matrixFormat {
      case .f16, .bf16:
        let halves = bytes.bindMemory(to: UInt16.self)
        let brain = matrixFormat == .bf16
        try generate(name) { _ in } element: { i, value in
          halves[i] = (brain ? Self.bfloat16Bits(value) : Float16(value).bitPattern).littleEndian
        }
      default:
        let singles = bytes.bindMemory(to: UInt32.self)
        try generate(name) { _ in } element: { i, value in singles[i] = value.bitPattern.littleEndian }
      }
    }
    return try WeightMatrix(format: matrixFormat, rows: rows, columns: columns, storage: storage)
  }

  /// fp32 → bfloat16 bits, rounding to nearest even (as PyTorch's `.to(torch.bfloat16)`).
  static func bfloat16Bits(_ value: Float) -> UInt16 {
    let bits = value.bitPattern
    if value.isNaN { return UInt16(bits >> 16) | 0x40 }
    let rounding = 0x7FFF + ((bits >> 16) & 1)
    return UInt16((bits &+ rounding) >> 16)
  }

  /// Calls `element(i, value)` for every element of `name` in order, after `start(count)`.
  private func generate(
    _ name: String, start: (Int) -> Void, element: (Int, Float) -> Void
  ) throws {
    guard let shape = shapes[name] else {
      throw ModelLoadError.missingTensor(name: name, triedNames: [name])
    }
    var generator = SplitMix64(seed: seed ^ UInt64(truncatingIfNeeded: name.hashValueStable))
    let count = shape.reduce(1, *)
    let isNormWeight = name.hasSuffix("layer_norm.weight")
    let amplitude: Float = 0.02 * 1.7320508
    start(count)
    for i in 0..<count {
      let u = Float(generator.nextUnit()) * 2 - 1
      element(i, isNormWeight ? 1 + 0.1 * u : amplitude * u)
    }
  }
}

extension String {
  /// FNV-1a of the UTF-8 bytes: stable across runs, unlike `hashValue`.
  var hashValueStable: UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in utf8 {
      h ^= UInt64(b)
      h = h &* 0x100_0000_01b3
    }
    return h
  }
}

extension OPTConfig {
  /// Every tensor an OPT checkpoint of this config holds, by its transformers name.
  public var tensorShapes: [String: [Int]] {
    let d = hiddenSize
    let e = wordEmbedProjDim
    let p = "model.decoder."
    var shapes: [String: [Int]] = [
      p + "embed_tokens.weight": [vocabSize, e],
      p + "embed_positions.weight": [maxPositionEmbeddings + 2, d],
    ]
    if e != d {
      shapes[p + "project_in.weight"] = [d, e]
      shapes[p + "project_out.weight"] = [e, d]
    }
    func layerNorm(_ n: String) {
      guard layerNormElementwiseAffine else { return }
      shapes[n + ".weight"] = [d]
      shapes[n + ".bias"] = [d]
    }
    func linear(_ n: String, _ input: Int, _ output: Int) {
      shapes[n + ".weight"] = [output, input]
      if enableBias { shapes[n + ".bias"] = [output] }
    }
    if hasFinalLayerNorm { layerNorm(p + "final_layer_norm") }
    for i in 0..<numHiddenLayers {
      let l = p + "layers.\(i)."
      for proj in ["q_proj", "k_proj", "v_proj", "out_proj"] { linear(l + "self_attn." + proj, d, d) }
      layerNorm(l + "self_attn_layer_norm")
      linear(l + "fc1", d, ffnDim)
      linear(l + "fc2", ffnDim, d)
      layerNorm(l + "final_layer_norm")
    }
    return shapes
  }

  /// facebook/opt-125m's shape.
  public static var opt125m: OPTConfig {
    // Every key takes transformers' default, which is opt-125m's configuration.
    try! JSONDecoder().decode(OPTConfig.self, from: Data("{}".utf8))
  }
}
