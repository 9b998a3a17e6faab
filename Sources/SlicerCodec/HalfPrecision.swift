/// IEEE 754 binary16 ↔ binary32 conversions for the dense fp16 codec, written as selects over
/// bit operations so a loop over a vector compiles to SIMD code. `Float16` would be simpler, but
/// on x86-64 without F16C (a `SLICER_PORTABLE=1` build) every conversion is a call into
/// the compiler runtime, which made fp16 encode + decode of a 768-wide vector cost ~20 µs.
/// Both functions give exactly what `Float16(_:)` and `Float(_: Float16)` give, NaN payloads
/// included (`HalfPrecisionTests` checks every binary16 value and a dense sample of binary32).
///
///     binary16: sign(1) exponent(5, bias 15) mantissa(10)
///     binary32: sign(1) exponent(8, bias 127) mantissa(23)
enum HalfPrecision {
  /// The binary16 bits nearest to `value`: round to nearest even, overflow to ±∞, NaN quiet
  /// with the top 9 payload bits kept.
  @inline(__always)
  static func bits(_ value: Float) -> UInt16 {
    let f = value.bitPattern
    let sign = (f &>> 16) & 0x8000
    let a = f & 0x7FFF_FFFF
    // Normal results: rebias the exponent (127 → 15, i.e. −112·2^23 ≡ +0xC800_0000) and round
    // the 13 dropped mantissa bits to nearest even; a carry may reach the exponent, up to ∞.
    let normal = (a &+ 0xC800_0FFF &+ ((a &>> 13) & 1)) &>> 13
    // Below 2^-14 the result is a multiple of 2^-24: adding 0.5 makes the float adder round
    // there (to nearest even), and the sum's low mantissa bits are the half's.
    let subnormal = (Float(bitPattern: a) + 0.5).bitPattern &- 0x3F00_0000
    var half = a < 0x3880_0000 ? subnormal : normal
    half = a >= 0x4780_0000 ? 0x7C00 : half  // 2^16 and above, ∞ included
    half = a > 0x7F80_0000 ? 0x7E00 | ((a &>> 13) & 0x1FF) : half  // NaN
    return UInt16(truncatingIfNeeded: half | sign)
  }

  /// The exact binary32 value of the binary16 `bits` (a NaN comes out quiet, its payload
  /// shifted into place).
  @inline(__always)
  static func float(_ bits: UInt16) -> Float {
    let h = UInt32(bits)
    let sign = (h & 0x8000) &<< 16
    let magnitude = h & 0x7FFF
    // Normal: rebias 15 → 127 (+112·2^23); ∞ and NaN: exponent 31 → 255 (+224·2^23), and a
    // NaN gets the quiet bit.
    let normal = (magnitude &<< 13) &+ 0x3800_0000
    let quiet: UInt32 = magnitude > 0x7C00 ? 0x0040_0000 : 0
    let special = ((magnitude &<< 13) &+ 0x7000_0000) | quiet
    // Zero and subnormal (m·2^-24): 2^-14 + m·2^-24 less 2^-14, both exact in binary32.
    let subnormal =
      (Float(bitPattern: (magnitude &<< 13) | 0x3880_0000) - Float(bitPattern: 0x3880_0000))
      .bitPattern
    var result = magnitude >= 0x7C00 ? special : normal
    result = magnitude < 0x0400 ? subnormal : result
    return Float(bitPattern: result | sign)
  }
}
