import Foundation

/// The distortion measure every codec is judged by, and the one the SLICER budget bounds.
public enum Distortion {
  /// Relative squared error ‖x − x̂‖² / ‖x‖², summed in Double in index order.
  ///
  /// Conventions that keep it defined for every input:
  /// - entries with identical bit patterns contribute 0 (so NaN/∞ carried exactly cost nothing);
  /// - an exact reconstruction is 0, even of the zero vector;
  /// - any error on a zero-norm vector is +∞;
  /// - otherwise NaN/∞ propagate (an fp16 overflow to ∞ gives +∞).
  public static func relativeSquaredError(_ x: [Float], _ xHat: [Float]) -> Double {
    precondition(x.count == xHat.count, "vectors differ in width")
    var error = 0.0
    var energy = 0.0
    for i in x.indices {
      let a = x[i]
      let b = xHat[i]
      energy += Double(a) * Double(a)
      if a.bitPattern != b.bitPattern {
        let diff = Double(a) - Double(b)
        error += diff * diff
      }
    }
    if error == 0 { return 0 }
    if energy == 0 { return .infinity }
    return error / energy
  }

  /// `relativeSquaredError` over buffers, the same arithmetic in the same order.
  static func relativeSquaredError(_ x: UnsafeBufferPointer<Float>, _ xHat: UnsafePointer<Float>)
    -> Double
  {
    var error = 0.0
    var energy = 0.0
    for i in 0..<x.count {
      let a = x[i]
      let b = xHat[i]
      energy += Double(a) * Double(a)
      if a.bitPattern != b.bitPattern {
        let diff = Double(a) - Double(b)
        error += diff * diff
      }
    }
    if error == 0 { return 0 }
    if energy == 0 { return .infinity }
    return error / energy
  }

  /// Mean squared error ‖x − x̂‖² / d, summed in Double in index order, with the conventions of
  /// `relativeSquaredError` (identical bit patterns cost 0; NaN/∞ otherwise propagate); 0 for
  /// an empty vector.
  static func meanSquaredError(_ x: UnsafeBufferPointer<Float>, _ xHat: UnsafePointer<Float>)
    -> Double
  {
    var error = 0.0
    for i in 0..<x.count where x[i].bitPattern != xHat[i].bitPattern {
      let diff = Double(x[i]) - Double(xHat[i])
      error += diff * diff
    }
    return error == 0 ? 0 : error / Double(x.count)
  }

  public static func meanSquaredError(_ x: [Float], _ xHat: [Float]) -> Double {
    precondition(x.count == xHat.count, "vectors differ in width")
    if x.isEmpty { return 0 }
    return x.withUnsafeBufferPointer { a in
      xHat.withUnsafeBufferPointer { b in meanSquaredError(a, b.baseAddress!) }
    }
  }

  /// Signal-to-noise ratio in dB for a relative squared error: −10·log10(d); +∞ at d = 0.
  public static func snrDB(_ distortion: Double) -> Double {
    if distortion == 0 { return .infinity }
    return -10 * log10(distortion)
  }
}

/// What a SLICER budget bounds.
///
/// - `relative`: ‖x − x̂‖² / ‖x‖², the default — scale-free, but it lets a vector with a large
///   norm take a large absolute error: the first token of a window (an attention sink, ~160×
///   the RMS of the others in SmolLM2's middle layers), which every later token reads through
///   attention.
/// - `meanSquared`: ‖x − x̂‖² / d in the hidden state's own units — the same absolute error
///   for every token, which tracks the tail's next-token KL divergence far better. Measured on
///   SmolLM2's split 15 (WikiText, uniform quantization at ~2,800 bits/token): one step for
///   every token gave KL 0.001 nats, a step proportional to each token's norm 0.011 — most of
///   that from the first token of each window.
public enum DistortionMeasure: String, Sendable, Hashable, CaseIterable {
  case relative = "rel"
  case meanSquared = "mse"

  /// The distortion of `xHat` as an estimate of `x` under this measure.
  public func of(_ x: [Float], _ xHat: [Float]) -> Double {
    switch self {
    case .relative: Distortion.relativeSquaredError(x, xHat)
    case .meanSquared: Distortion.meanSquaredError(x, xHat)
    }
  }

  func of(_ x: UnsafeBufferPointer<Float>, _ xHat: UnsafePointer<Float>) -> Double {
    switch self {
    case .relative: Distortion.relativeSquaredError(x, xHat)
    case .meanSquared: Distortion.meanSquaredError(x, xHat)
    }
  }

  /// The distortion of sending the zero vector for a nonzero vector of this energy and width:
  /// the measure's own arithmetic (its error sum is the energy).
  func ofZero(energy: Double, dimension: Int) -> Double {
    switch self {
    case .relative: 1
    case .meanSquared: energy / Double(dimension)
    }
  }

  /// The largest squared error ‖x − x̂‖² that meets `budget` for a vector of this energy and
  /// width.
  func allowedError(budget: Double, energy: Double, dimension: Int) -> Double {
    switch self {
    case .relative: budget * energy
    case .meanSquared: budget * Double(dimension)
    }
  }
}
