import Foundation

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny, fast, seedable generator, so benchmarks and
/// property tests see the same vectors on every machine.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in [0, 1) with 53 random bits.
  public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

  /// Standard normal (Box–Muller).
  public mutating func gaussian() -> Double {
    let u = 1 - unit()  // (0, 1]
    return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * unit())
  }
}

/// Synthetic feature vectors with the shapes that matter to the codec.
public enum SyntheticFeatures {
  public enum Kind: String, CaseIterable, Sendable {
    /// Uniform in [−1, 1).
    case uniform
    /// Standard normal.
    case gaussian
    /// Student-t with 3 degrees of freedom: occasional entries 10–30× the median.
    case heavyTailed
    /// Standard normal plus 1–4 "massive" channels at 100–1000× the median magnitude.
    case massive
    /// Shaped like an LLM residual stream (SmolLM2/OPT style): channels with log-normal scales
    /// (σ = 0.6), norm ≈ 150 at d = 576, and two fixed massive channels at ~30–40× the median.
    case residual
  }

  public static func vector(_ kind: Kind, dimension d: Int, rng: inout SplitMix64) -> [Float] {
    switch kind {
    case .uniform:
      return (0..<d).map { _ in Float(2 * rng.unit() - 1) }
    case .gaussian:
      return (0..<d).map { _ in Float(rng.gaussian()) }
    case .heavyTailed:
      return (0..<d).map { _ in
        let z = rng.gaussian()
        var chi2 = 0.0
        for _ in 0..<3 {
          let g = rng.gaussian()
          chi2 += g * g
        }
        return Float(z / (chi2 / 3).squareRoot())
      }
    case .massive:
      var x = (0..<d).map { _ in Float(rng.gaussian()) }
      let median: Float = 0.6745  // of |N(0,1)|
      let count = 1 + Int(rng.next() % 4)
      for _ in 0..<min(count, d) {
        let i = Int(rng.next() % UInt64(d))
        let factor = Float(100 * pow(10, rng.unit()))  // 100…1000
        x[i] = (rng.next() & 1 == 0 ? 1 : -1) * factor * median
      }
      return x
    case .residual:
      // Channel scales are a property of the model, so they come from a fixed seed.
      var channels = SplitMix64(seed: 0x5EED_0F_C4A7)
      let scales = (0..<d).map { _ in exp(0.6 * channels.gaussian()) }
      var x = (0..<d).map { Float(4.5 * scales[$0] * rng.gaussian()) }
      if d >= 2 {
        let a = Int(channels.next() % UInt64(d))
        let b = (a + 1 + Int(channels.next() % UInt64(d - 1))) % d
        x[a] = Float(-130 * (1 + 0.1 * rng.gaussian()))
        x[b] = Float(110 * (1 + 0.1 * rng.gaussian()))
      }
      return x
    }
  }
}
