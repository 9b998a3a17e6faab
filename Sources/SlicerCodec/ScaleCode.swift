/// Positive magnitudes on a mini-float grid, used for SLICER's group boundaries.
///
/// With `m` mantissa bits (0…7) a code c ≥ 0 stands for
///
///     value(c) = 2^e · (1 + f / 2^m),   e = (c >> m) − 149,   f = c & (2^m − 1)
///
/// so codes are monotone in value, one octave holds 2^m codes (relative step ≤ 2^-m), and the
/// grid spans 2^-149 (Float's smallest subnormal) to just under 2^129 — every finite Float
/// magnitude rounds up to a code. Values are exact Doubles assembled from the code's bits (no
/// libm call), so every platform decodes the same boundaries bit for bit.
enum ScaleCode {
  static let exponentBias = 149
  /// Exponents −149…128.
  static let exponentCount = 278
  static let maxMantissaBits = 7

  /// Number of codes at `m` mantissa bits.
  static func count(mantissaBits m: Int) -> Int { exponentCount << m }

  /// The magnitude code `code` stands for (`code` in 0..<count(m)), built from its bits:
  /// every value on the grid is a normal Double, so this is exact.
  @inline(__always)
  static func value(_ code: Int, mantissaBits m: Int) -> Double {
    let e = (code >> m) - exponentBias
    let f = UInt64(code & ((1 << m) - 1))
    return Double(bitPattern: UInt64(e + 1023) << 52 | f << UInt64(52 - m))
  }

  /// The largest code whose value is ≤ `t` (0 when `t` is below the grid). `t` > 0, finite.
  static func code(atOrBelow t: Double, mantissaBits m: Int) -> Int {
    let bits = t.bitPattern
    let e = Int((bits >> 52) & 0x7FF) - 1023
    if e < -exponentBias { return 0 }
    if e >= exponentCount - exponentBias { return count(mantissaBits: m) - 1 }
    // The top m fraction bits are the grid index within the octave (floor).
    let f = Int((bits & ((1 << 52) - 1)) >> UInt64(52 - m))
    return ((e + exponentBias) << m) + f
  }

  /// The smallest code whose value is ≥ `t`, clamped to the top code.
  static func code(atOrAbove t: Double, mantissaBits m: Int) -> Int {
    let below = code(atOrBelow: t, mantissaBits: m)
    if value(below, mantissaBits: m) >= t { return below }
    return min(below + 1, count(mantissaBits: m) - 1)
  }

  /// The code whose value is nearest to `t` (ties to the lower code).
  static func code(nearest t: Double, mantissaBits m: Int) -> Int {
    let below = code(atOrBelow: t, mantissaBits: m)
    let above = min(below + 1, count(mantissaBits: m) - 1)
    return (value(above, mantissaBits: m) - t) < (t - value(below, mantissaBits: m)) ? above : below
  }
}
