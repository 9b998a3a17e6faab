import Testing

@testable import SlicerCodec

/// `HalfPrecision` against Swift's `Float16` conversions, bit for bit.
@Suite struct HalfPrecisionTests {
  @Test func everyHalfWidensLikeFloat16() {
    var mismatches = 0
    for h in 0...0xFFFF {
      let bits = UInt16(h)
      if HalfPrecision.float(bits).bitPattern != Float(Float16(bitPattern: bits)).bitPattern {
        mismatches += 1
      }
    }
    #expect(mismatches == 0)
  }

  /// Every 65,521st binary32 pattern (a prime stride, so every exponent and many mantissa
  /// endings are hit), plus the rounding edges: each half's midpoints with its neighbours
  /// and one binary32 step either side of them, in both signs.
  @Test func floatsNarrowLikeFloat16() {
    var patterns = [UInt32]()
    var f: UInt64 = 0
    while f <= 0xFFFF_FFFF {
      patterns.append(UInt32(f))
      f += 65_521
    }
    for h in 0..<0x7C00 {
      // The binary32 midpoint between half h and h + 1 (exact in binary32).
      let low = Float(Float16(bitPattern: UInt16(h)))
      let high = Float(Float16(bitPattern: UInt16(h + 1)))
      let mid = (low + high) / 2
      for v in [mid, mid.nextDown, mid.nextUp, low, high] {
        patterns.append(v.bitPattern)
        patterns.append((-v).bitPattern)
      }
    }
    patterns += [0x7F80_0000, 0xFF80_0000, 0x7F80_0001, 0x7FC0_0000, 0xFFFF_FFFF, 0x477F_EFFF,
      0x477F_F000, 0x4780_0000, 0x3380_0000, 0x3300_0000, 0x3300_0001, 0x0000_0001]
    var mismatches = 0
    for p in patterns {
      let v = Float(bitPattern: p)
      if HalfPrecision.bits(v) != Float16(v).bitPattern { mismatches += 1 }
    }
    #expect(mismatches == 0)
    #expect(patterns.count > 300_000)
  }

  @Test func knownValues() {
    #expect(HalfPrecision.bits(1) == 0x3C00)
    #expect(HalfPrecision.bits(-2) == 0xC000)
    #expect(HalfPrecision.bits(65_504) == 0x7BFF)
    #expect(HalfPrecision.bits(65_520) == 0x7C00)  // rounds up to ∞
    #expect(HalfPrecision.bits(0x1p-24) == 0x0001)
    #expect(HalfPrecision.bits(0x1p-25) == 0x0000)  // a tie rounds to even (zero)
    #expect(HalfPrecision.float(0x3555) == Float(Float16(bitPattern: 0x3555)))
    #expect(HalfPrecision.float(0x7C00) == .infinity)
    #expect(HalfPrecision.float(0x7C01).isNaN)
  }
}
