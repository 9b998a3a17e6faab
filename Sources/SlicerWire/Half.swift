/// IEEE 754 binary16 ↔ binary32 by bit manipulation, so the wire needs neither `Float16` (absent
/// on some platforms) nor a tensor library.
///
///     binary16: sign(1) exponent(5, bias 15) mantissa(10)
///     binary32: sign(1) exponent(8, bias 127) mantissa(23)
public enum Half {
  /// The binary16 value nearest to `value` (round to nearest even; overflow → ±inf; NaN stays NaN).
  public static func bits(_ value: Float) -> UInt16 {
    let f = value.bitPattern
    let sign = UInt16(truncatingIfNeeded: (f >> 16) & 0x8000)
    let exponent = Int((f >> 23) & 0xFF)
    let mantissa = f & 0x7F_FFFF
    if exponent == 0xFF {  // inf or NaN; keep NaN quiet and non-zero
      return sign | 0x7C00
        | (mantissa == 0 ? 0 : 0x0200 | UInt16(truncatingIfNeeded: mantissa >> 13))
    }
    let e = exponent - 127 + 15
    if e >= 0x1F { return sign | 0x7C00 }
    if e <= 0 {
      // Subnormal half (or zero): shift the mantissa with its implicit 1 into place.
      if e < -10 { return sign }
      let full = mantissa | 0x80_0000
      let shift = UInt32(14 - e)
      var half = full >> shift
      let remainder = full & ((1 << shift) - 1)
      let halfway = UInt32(1) << (shift - 1)
      if remainder > halfway || (remainder == halfway && half & 1 == 1) { half += 1 }
      return sign | UInt16(truncatingIfNeeded: half)
    }
    var half = UInt32(e) << 10 | mantissa >> 13
    let remainder = mantissa & 0x1FFF
    // Rounding up may carry into the exponent, which is still correct (up to inf).
    if remainder > 0x1000 || (remainder == 0x1000 && half & 1 == 1) { half += 1 }
    return sign | UInt16(truncatingIfNeeded: half)
  }

  /// The exact binary32 value of the binary16 `bits`.
  public static func float(_ bits: UInt16) -> Float {
    let sign = UInt32(bits & 0x8000) << 16
    let exponent = UInt32(bits >> 10) & 0x1F
    let mantissa = UInt32(bits & 0x3FF)
    switch exponent {
    case 0:
      // Zero or subnormal: mantissa × 2^-24.
      let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
      return sign == 0 ? magnitude : -magnitude
    case 0x1F:
      return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
    default:
      return Float(bitPattern: sign | (exponent + 127 - 15) << 23 | mantissa << 13)
    }
  }
}
