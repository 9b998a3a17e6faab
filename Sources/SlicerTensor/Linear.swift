import CKernels

/// `y = x·Wᵀ + b`, the PyTorch `nn.Linear` convention.
///
/// `weight` is `(outFeatures, inFeatures)` row-major as checkpoints store it, in the checkpoint's
/// precision; `bias` is `(outFeatures)` or absent. One input row (decode) streams the weights
/// through a dot-product kernel; several rows (prefill) go through a blocked matrix product that
/// decodes each weight once. Both accumulate in fp32 and split the output rows across
/// `Kernels.threadCount` threads; each output is computed by one thread in a fixed order, so
/// results do not depend on the thread count or on timing.
public struct Linear: Sendable {
  public let weight: WeightMatrix
  public let bias: [Float]?

  public var inFeatures: Int { weight.columns }
  public var outFeatures: Int { weight.rows }

  public init(weight: WeightMatrix, bias: [Float]?) {
    precondition(bias == nil || bias!.count == weight.rows, "Linear bias size")
    self.weight = weight
    self.bias = bias
  }

  /// An fp32 layer from `(outFeatures, inFeatures)` row-major values.
  public init(weight: [Float], bias: [Float]?, inFeatures: Int, outFeatures: Int) {
    precondition(weight.count == inFeatures * outFeatures, "Linear weight size")
    self.init(
      weight: WeightMatrix(floats: weight, rows: outFeatures, columns: inFeatures), bias: bias)
  }

  public func callAsFunction(_ x: Matrix) -> Matrix {
    product(x, portable: false, quantizedActivations: Kernels.quantizedActivations)
  }

  /// `x·Wᵀ + b` by the fastest kernels the CPU has, or by the portable ones, with or without
  /// quantized activations (`Kernels.quantizedActivations`): for tests.
  func product(_ x: Matrix, portable: Bool, quantizedActivations: Bool = false) -> Matrix {
    precondition(x.columns == inFeatures, "Linear expects \(inFeatures) columns, got \(x.columns)")
    var y = Matrix(zeros: x.rows, outFeatures)
    guard x.rows > 0, outFeatures > 0, let w = weight.storage.bytes.baseAddress else { return y }
    let (portableFlag, quantized): (Int32, Int32) = (portable ? 1 : 0, quantizedActivations ? 1 : 0)
    let kernel = { ck_linear_with(portableFlag, quantized, $0, $1, $2, $3, $4, $5, $6, $7) }
    let format = weight.format.kernelFormat
    let (rows, columns, n) = (Int64(outFeatures), Int64(inFeatures), Int64(x.rows))
    x.values.withUnsafeBufferPointer { xp in
      y.values.withUnsafeMutableBufferPointer { yp in
        if let bias {
          bias.withUnsafeBufferPointer { b in
            kernel(format, w, rows, columns, xp.baseAddress, n, b.baseAddress, yp.baseAddress)
          }
        } else {
          kernel(format, w, rows, columns, xp.baseAddress, n, nil, yp.baseAddress)
        }
      }
    }
    return y
  }
}
