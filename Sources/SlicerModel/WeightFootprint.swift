import SlicerTensor

/// How many bytes of weights a model holds, and how many one token's forward pass reads.
///
/// Decoding one token reads every matrix of every layer and the LM head once, but only one row of
/// each embedding table, so at the memory-bandwidth limit the time per token is
/// `perToken / bandwidth`. The split divides the traffic: the client reads `input` and layers
/// `0..<split`, the tail the other layers and `output`.
public struct WeightFootprint: Sendable, Equatable {
  /// Bytes read per token before layer 0: one row of each embedding table (and `project_in`).
  public var input: Int
  /// Bytes each decoder layer reads per token: its matrices, biases and norm weights.
  public var layers: [Int]
  /// Bytes read per token after the last layer: the final norm, projections and the LM head.
  public var output: Int
  /// Bytes of every weight the model holds (embedding tables whole, a tied head counted once).
  public var stored: Int

  public init(input: Int, layers: [Int], output: Int, stored: Int) {
    self.input = input
    self.layers = layers
    self.output = output
    self.stored = stored
  }

  /// Bytes read per token by the whole model.
  public var perToken: Int { input + layers.reduce(0, +) + output }

  /// Bytes read per token by each side of a split at `split` (clamped to the layer range).
  public func perToken(split: Int) -> (client: Int, tail: Int) {
    let s = min(max(split, 0), layers.count)
    let client = input + layers[..<s].reduce(0, +)
    return (client, perToken - client)
  }
}

/// A model that can say what its weights cost (`OPTModel`, `LlamaModel`).
public protocol WeightFootprintReporting {
  var weightFootprint: WeightFootprint { get }
}

extension Linear {
  /// Bytes of the weight matrix and bias.
  var byteCount: Int { weight.byteCount + 4 * (bias?.count ?? 0) }
}

extension LayerNorm {
  var byteCount: Int { 4 * ((weight?.count ?? 0) + (bias?.count ?? 0)) }
}

extension RMSNorm {
  var byteCount: Int { 4 * weight.count }
}

extension WeightMatrix {
  /// Bytes of one stored row (what an embedding lookup reads).
  var bytesPerRow: Int { rows == 0 ? 0 : byteCount / rows }
}
