import CKernels

extension Linear {
  /// `x·Wᵀ + b` of several layers that read the same input — a decoder layer's query, key and
  /// value projections, or its gate and up projections — with the same values as calling each
  /// layer. With one input row (decode) all the layers' rows are handed to the kernel threads in
  /// one call, so the threads meet once instead of once per layer, and the input is rounded to
  /// 16 bits once for all block-quantized layers.
  public static func products(_ layers: [Linear], _ x: Matrix) -> [Matrix] {
    for layer in layers {
      precondition(
        layer.inFeatures == x.columns, "Linear expects \(layer.inFeatures) columns, got \(x.columns)")
    }
    let n = x.rows
    // One buffer for every output (layer i's n × rows block after layer i−1's) and one for the
    // biases, so the C call gets stable pointers to all of them.
    let offsets = layers.reduce(into: [0]) { $0.append($0.last! + n * $1.outFeatures) }
    var outputs = [Float](repeating: 0, count: offsets.last!)
    let biasOffsets = layers.reduce(into: [0]) { $0.append($0.last! + ($1.bias?.count ?? 0)) }
    let biases = layers.flatMap { $0.bias ?? [] }
    if n > 0 {
      x.values.withUnsafeBufferPointer { xp in
        outputs.withUnsafeMutableBufferPointer { yp in
          biases.withUnsafeBufferPointer { bp in
            var parts = [ck_linear_part]()
            for (i, layer) in layers.enumerated() {
              guard layer.outFeatures > 0, let w = layer.weight.storage.bytes.baseAddress else {
                continue
              }
              parts.append(
                ck_linear_part(
                  format: layer.weight.format.kernelFormat, weights: w,
                  rows: Int64(layer.outFeatures),
                  bias: layer.bias == nil ? nil : bp.baseAddress! + biasOffsets[i],
                  y: yp.baseAddress! + offsets[i]))
            }
            ck_linear_parts(parts, Int32(parts.count), Int64(x.columns), xp.baseAddress, Int64(n))
          }
        }
      }
    }
    return layers.indices.map { i in
      Matrix(
        rows: n, columns: layers[i].outFeatures,
        values: Array(outputs[offsets[i]..<offsets[i + 1]]))
    }
  }
}
