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

  /// Signal-to-noise ratio in dB for a relative squared error: −10·log10(d); +∞ at d = 0.
  public static func snrDB(_ distortion: Double) -> Double {
    if distortion == 0 { return .infinity }
    return -10 * log10(distortion)
  }
}
