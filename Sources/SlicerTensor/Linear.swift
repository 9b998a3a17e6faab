import CCBLAS

/// `y = x·Wᵀ + b`, the PyTorch `nn.Linear` convention.
///
/// `weight` is `(outFeatures, inFeatures)` row-major as checkpoints store it; `bias` is
/// `(outFeatures)` or absent.
public struct Linear: Sendable {
  public let inFeatures: Int
  public let outFeatures: Int
  public let weight: [Float]
  public let bias: [Float]?

  public init(weight: [Float], bias: [Float]?, inFeatures: Int, outFeatures: Int) {
    precondition(weight.count == inFeatures * outFeatures, "Linear weight size")
    precondition(bias == nil || bias!.count == outFeatures, "Linear bias size")
    self.inFeatures = inFeatures
    self.outFeatures = outFeatures
    self.weight = weight
    self.bias = bias
  }

  public func callAsFunction(_ x: Matrix) -> Matrix {
    precondition(x.columns == inFeatures, "Linear expects \(inFeatures) columns, got \(x.columns)")
    var y = Matrix(zeros: x.rows, outFeatures)
    guard x.rows > 0 else { return y }
    // Start from the bias broadcast over rows, then accumulate x·Wᵀ on top (beta = 1).
    if let bias {
      y.values.withUnsafeMutableBufferPointer { out in
        for r in 0..<x.rows {
          for c in 0..<outFeatures { out[r * outFeatures + c] = bias[c] }
        }
      }
    }
    let beta: Float = bias == nil ? 0 : 1
    x.values.withUnsafeBufferPointer { xp in
      weight.withUnsafeBufferPointer { wp in
        y.values.withUnsafeMutableBufferPointer { yp in
          if x.rows == 1 {
            cblas_sgemv(
              CblasRowMajor, CblasNoTrans, Int32(outFeatures), Int32(inFeatures), 1,
              wp.baseAddress, Int32(inFeatures), xp.baseAddress, 1, beta, yp.baseAddress, 1)
          } else {
            cblas_sgemm(
              CblasRowMajor, CblasNoTrans, CblasTrans, Int32(x.rows), Int32(outFeatures),
              Int32(inFeatures), 1, xp.baseAddress, Int32(inFeatures), wp.baseAddress,
              Int32(inFeatures), beta, yp.baseAddress, Int32(outFeatures))
          }
        }
      }
    }
    return y
  }
}
