/// `nn.LayerNorm` over the last dimension: `(x − mean) / sqrt(var + eps) · weight + bias`.
/// `weight`/`bias` absent when the model was built with `elementwise_affine=False`.
public struct LayerNorm: Sendable {
  public let weight: [Float]?
  public let bias: [Float]?
  public let epsilon: Float

  public init(weight: [Float]?, bias: [Float]?, epsilon: Float = 1e-5) {
    self.weight = weight
    self.bias = bias
    self.epsilon = epsilon
  }

  public func callAsFunction(_ x: Matrix) -> Matrix {
    var y = x
    let n = x.columns
    y.values.withUnsafeMutableBufferPointer { v in
      for r in 0..<x.rows {
        let row = v.baseAddress! + r * n
        var mean: Float = 0
        for i in 0..<n { mean += row[i] }
        mean /= Float(n)
        var variance: Float = 0
        for i in 0..<n {
          let d = row[i] - mean
          variance += d * d
        }
        variance /= Float(n)
        let inv = 1 / (variance + epsilon).squareRoot()
        for i in 0..<n { row[i] = (row[i] - mean) * inv }
        if let weight { for i in 0..<n { row[i] *= weight[i] } }
        if let bias { for i in 0..<n { row[i] += bias[i] } }
      }
    }
    return y
  }
}

/// `RMSNorm`: `x / sqrt(mean(x²) + eps) · weight` (Llama family).
public struct RMSNorm: Sendable {
  public let weight: [Float]
  public let epsilon: Float

  public init(weight: [Float], epsilon: Float) {
    self.weight = weight
    self.epsilon = epsilon
  }

  public func callAsFunction(_ x: Matrix) -> Matrix {
    var y = x
    let n = x.columns
    y.values.withUnsafeMutableBufferPointer { v in
      for r in 0..<x.rows {
        let row = v.baseAddress! + r * n
        var sumSquares: Float = 0
        for i in 0..<n { sumSquares += row[i] * row[i] }
        let inv = 1 / (sumSquares / Float(n) + epsilon).squareRoot()
        for i in 0..<n { row[i] = row[i] * inv * weight[i] }
      }
    }
    return y
  }
}
