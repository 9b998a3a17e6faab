import Foundation

/// Elementwise activations and softmax helpers, in place.
public enum Activation {
  public static func relu(_ x: inout Matrix) {
    x.values.withUnsafeMutableBufferPointer { v in
      for i in 0..<v.count where v[i] < 0 { v[i] = 0 }
    }
  }

  /// SiLU `x·σ(x)`.
  public static func silu(_ x: inout Matrix) {
    x.values.withUnsafeMutableBufferPointer { v in
      for i in 0..<v.count { v[i] = v[i] / (1 + expf(-v[i])) }
    }
  }
}

/// Softmax-family reductions over one row of logits.
public enum Softmax {
  /// In-place softmax of `count` floats.
  public static func apply(_ row: UnsafeMutablePointer<Float>, count: Int) {
    guard count > 0 else { return }
    var maximum = -Float.infinity
    for i in 0..<count where row[i] > maximum { maximum = row[i] }
    var sum: Float = 0
    for i in 0..<count {
      let e = expf(row[i] - maximum)
      row[i] = e
      sum += e
    }
    let inv = 1 / sum
    for i in 0..<count { row[i] *= inv }
  }

  /// `log Σ exp(row)`, computed stably in Double.
  public static func logSumExp(_ row: UnsafeBufferPointer<Float>) -> Double {
    var maximum = -Float.infinity
    for v in row where v > maximum { maximum = v }
    var sum = 0.0
    for v in row { sum += exp(Double(v - maximum)) }
    return Double(maximum) + log(sum)
  }

  /// `log softmax(row)` as Double, for NLL and KL.
  public static func logProbabilities(_ row: [Float]) -> [Double] {
    let lse = row.withUnsafeBufferPointer { logSumExp($0) }
    return row.map { Double($0) - lse }
  }
}
