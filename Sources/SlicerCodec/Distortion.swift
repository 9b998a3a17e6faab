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
    if x.isEmpty { return 0 }
    return x.withUnsafeBufferPointer { a in
      xHat.withUnsafeBufferPointer { b in relativeSquaredError(a, b.baseAddress!) }
    }
  }

  /// `relativeSquaredError` over buffers, the same arithmetic in the same order.
  static func relativeSquaredError(_ x: UnsafeBufferPointer<Float>, _ xHat: UnsafePointer<Float>)
    -> Double
  {
    DistortionMeasure.relative.of(
      squaredError: squaredError(x, xHat), energy: energy(x), dimension: x.count)
  }

  /// Mean squared error ‖x − x̂‖² / d, summed in Double in index order, with the conventions of
  /// `relativeSquaredError` (identical bit patterns cost 0; NaN/∞ otherwise propagate); 0 for
  /// an empty vector.
  static func meanSquaredError(_ x: UnsafeBufferPointer<Float>, _ xHat: UnsafePointer<Float>)
    -> Double
  {
    DistortionMeasure.meanSquared.of(
      squaredError: squaredError(x, xHat), energy: 0, dimension: x.count)
  }

  public static func meanSquaredError(_ x: [Float], _ xHat: [Float]) -> Double {
    precondition(x.count == xHat.count, "vectors differ in width")
    if x.isEmpty { return 0 }
    return x.withUnsafeBufferPointer { a in
      xHat.withUnsafeBufferPointer { b in meanSquaredError(a, b.baseAddress!) }
    }
  }

  /// ‖x − x̂‖², summed in Double in index order; entries with identical bit patterns add 0.
  /// Both measures are this sum over something (`DistortionMeasure.of(squaredError:…)`).
  static func squaredError(_ x: UnsafeBufferPointer<Float>, _ xHat: UnsafePointer<Float>)
    -> Double
  {
    var error = 0.0
    for i in 0..<x.count where x[i].bitPattern != xHat[i].bitPattern {
      let diff = Double(x[i]) - Double(xHat[i])
      error += diff * diff
    }
    return error
  }

  /// ‖x‖², summed in Double in index order.
  static func energy(_ x: UnsafeBufferPointer<Float>) -> Double {
    var energy = 0.0
    for v in x { energy += Double(v) * Double(v) }
    return energy
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

  /// The measure of an error sum ‖x − x̂‖² (`Distortion.squaredError`) for a vector of this
  /// energy ‖x‖² and width: relative — 0 for no error, +∞ for any error on a zero vector, else
  /// error / energy; mean squared — error / d (0 for no error).
  func of(squaredError error: Double, energy: Double, dimension: Int) -> Double {
    if error == 0 { return 0 }
    switch self {
    case .relative: return energy == 0 ? .infinity : error / energy
    case .meanSquared: return error / Double(dimension)
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
