import Testing

@testable import SlicerCodec

@Suite struct BaselineCodecTests {
  let x: [Float] = [1, -2, 0.5]

  @Test func fp32IsTheLittleEndianFloats() throws {
    let codec = CodecSpec.fp32.makeCodec()
    let e = codec.encode(x)
    #expect(e.bytes == [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x3F])
    #expect(try codec.decode(e.bytes, dimension: 3) == x)
    #expect(e.stats.totalBits == 96 && e.stats.valueBits == 96 && e.stats.distortion == 0)
    #expect(e.stats.snrDB == .infinity)
    #expect(e.stats.kPositive == 2 && e.stats.kNegative == 1)
    #expect(!e.stats.isPassthrough && e.stats.mode == "fp32")
  }

  @Test func noneCarriesFp32AndSaysSo() throws {
    let codec = CodecSpec.none.makeCodec()
    let e = codec.encode(x)
    #expect(e.bytes == CodecSpec.fp32.makeCodec().encode(x).bytes)
    #expect(e.stats.isPassthrough && e.stats.mode == "none" && e.stats.totalBits == 96)
    #expect(try codec.decode(e.bytes, dimension: 3) == x)
  }

  @Test func fp16AndBf16() throws {
    let fp16 = CodecSpec.fp16.makeCodec()
    #expect(fp16.encode(x).bytes == [0x00, 0x3C, 0x00, 0xC0, 0x00, 0x38])
    #expect(try fp16.decode([0x00, 0x3C, 0x00, 0xC0, 0x00, 0x38], dimension: 3) == x)
    let bf16 = CodecSpec.bf16.makeCodec()
    #expect(bf16.encode(x).bytes == [0x80, 0x3F, 0x00, 0xC0, 0x00, 0x3F])
    #expect(try bf16.decode([0x80, 0x3F, 0x00, 0xC0, 0x00, 0x3F], dimension: 3) == x)
    // bf16 rounds to nearest even: 1 + 2^-8 is a tie → 1; 1 + 3·2^-8 → 1 + 2^-6.
    #expect(DenseFloatCodec.bfloat16Bits(1 + 0x1p-8) == 0x3F80)
    #expect(DenseFloatCodec.bfloat16Bits(1 + 3 * 0x1p-8) == 0x3F82)
    #expect(DenseFloatCodec.bfloat16Bits(.nan) & 0x7FC0 == 0x7FC0)
  }

  @Test func fp16OverflowIsInfiniteDistortion() {
    let e = CodecSpec.fp16.makeCodec().encode([70000, 1])
    #expect(e.stats.distortion == .infinity)
  }

  @Test func int8ScalesByAbsmax() throws {
    let codec = CodecSpec.int8.makeCodec()
    let e = codec.encode(x)
    // absmax 2.0; q = round(127·x/2) = 64, −127, 32.
    #expect(e.bytes == [0x00, 0x00, 0x00, 0x40, 64, 0x81, 32])
    #expect(
      try codec.decode(e.bytes, dimension: 3) == [Float(64.0 * 2 / 127), -2, Float(32.0 * 2 / 127)])
    #expect(e.stats.totalBits == 56 && e.stats.scaleBits == 32 && e.stats.valueBits == 24)
  }

  @Test func int8SendsNonFiniteEntriesAsZero() throws {
    let codec = CodecSpec.int8.makeCodec()
    let e = codec.encode([.nan, 1, -.infinity])
    #expect(e.bytes == [0x00, 0x00, 0x80, 0x3F, 0, 127, 0])
  }

  @Test func int8RejectsImpossibleBytes() {
    let codec = CodecSpec.int8.makeCodec()
    #expect(throws: CodecError.self) {
      try codec.decode([0x00, 0x00, 0xC0, 0x7F, 1], dimension: 1)
    }  // NaN scale
    #expect(throws: CodecError.self) {
      try codec.decode([0x00, 0x00, 0x80, 0xBF, 1], dimension: 1)
    }  // −1
    #expect(throws: CodecError.self) {
      try codec.decode([0x00, 0x00, 0x80, 0x3F, 0x80], dimension: 1)
    }
    #expect(throws: CodecError.wrongLength(codec: "int8", expectedBytes: 5, actualBytes: 4)) {
      try codec.decode([0x00, 0x00, 0x80, 0x3F], dimension: 1)
    }
  }

  @Test func topKWithABitmap() throws {
    // K = round(0.5·4) = 2 → entries 1 and 2; a = 3; 2 bits over [−3, 3]: levels ±0.75, ±2.25.
    // 2 indices × 2 bits = 4 is not below d = 4, so a bitmap 0110, then q = 0 and 3.
    let codec = CodecSpec.topK(fraction: 0.5, bits: 2).makeCodec()
    let e = codec.encode([0.1, -3, 2, 0.5])
    #expect(e.bytes == [0x00, 0x00, 0x40, 0x40, 0b0110_0011])
    #expect(try codec.decode(e.bytes, dimension: 4) == [0, -2.25, 2.25, 0])
    #expect(e.stats.positionBits == 4 && e.stats.valueBits == 4 && e.stats.scaleBits == 32)
    #expect(e.stats.paddingBits == 0)
  }

  /// The radix selection keeps exactly what sorting the whole (magnitude descending, index
  /// ascending) order keeps, ties included.
  @Test func topKSelectionMatchesAFullSort() {
    var rng = SplitMix64(seed: 5)
    for d in [1, 2, 7, 64, 300, 768] {
      for round in 0..<20 {
        // Few distinct magnitudes (many ties) in half the rounds, signs random.
        let x = (0..<d).map { _ -> Float in
          let m = round % 2 == 0 ? Float(rng.next() % 4) : Float(rng.gaussian())
          return rng.next() % 2 == 0 ? m : -m
        }
        for k in Set([1, d / 4, d / 2, d]) where k >= 1 {
          let reference = (0..<d).sorted {
            (x[$0].magnitude, $1) > (x[$1].magnitude, $0)
          }.prefix(k).sorted()
          #expect(TopKUniformCodec.largest(k, of: x) == Array(reference), "d \(d) k \(k)")
        }
      }
    }
  }

  /// int8's rounding through an integer conversion is `round` (halves away from zero), clamped.
  @Test func int8QuantizeIsRoundHalfAway() {
    var values: [Double] = [0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 126.5, -126.5, 127, 127.4,
      -127.4, 127.5, 0.499_999_999_999_999_94, -0.499_999_999_999_999_94, 1e-300, 130, -130]
    var rng = SplitMix64(seed: 9)
    for _ in 0..<10_000 { values.append((rng.unit() * 2 - 1) * 130) }
    for h in -260...260 { values.append(Double(h) / 2) }
    for y in values {
      #expect(Int8AbsmaxCodec.quantize(y) == Int(max(-127, min(127, y.rounded()))), "\(y)")
    }
  }

  @Test func topKWithAnIndexList() throws {
    // d = 16, K = round(0.125·16) = 2; 2 × 4-bit indices = 8 < 16. Entries 5 (−4) and 9 (1).
    var v = [Float](repeating: 0.01, count: 16)
    v[5] = -4
    v[9] = 1
    let codec = CodecSpec.topK(fraction: 0.125, bits: 1).makeCodec()
    let e = codec.encode(v)
    // 1 bit over [−4, 4]: −2 (q 0) or +2 (q 1). Bits: 0101 1001 | 0 1 → 0x59, 0x40.
    #expect(e.bytes == [0x00, 0x00, 0x80, 0x40, 0x59, 0x40])
    let decoded = try codec.decode(e.bytes, dimension: 16)
    #expect(decoded[5] == -2 && decoded[9] == 2 && decoded.filter { $0 != 0 }.count == 2)
    // Indices out of order or out of range are rejected.
    #expect(throws: CodecError.self) {
      try codec.decode([0x00, 0x00, 0x80, 0x40, 0x95, 0x40], dimension: 16)
    }
  }

  @Test func fixedLengthCodecsRejectEveryOtherLength() {
    for (spec, size) in [(CodecSpec.fp32, 12), (.fp16, 6), (.bf16, 6), (.int8, 7), (.none, 12)] {
      let codec = spec.makeCodec()
      for n in [0, size - 1, size + 1] {
        #expect(
          throws: CodecError.wrongLength(
            codec: spec.description, expectedBytes: size, actualBytes: n)
        ) {
          try codec.decode([UInt8](repeating: 0, count: n), dimension: 3)
        }
      }
    }
  }

  @Test func dimensionIsChecked() {
    for spec in [CodecSpec.fp32, .int8, .topK(fraction: 0.5, bits: 4), .slicer(budget: 0.1)] {
      #expect(throws: CodecError.dimensionOutOfRange(dimension: -1, maximum: 1 << 20)) {
        try spec.makeCodec().decode([0], dimension: -1)
      }
      #expect(throws: CodecError.dimensionOutOfRange(dimension: (1 << 20) + 1, maximum: 1 << 20)) {
        try spec.makeCodec().decode([0], dimension: (1 << 20) + 1)
      }
    }
  }
}

@Suite struct PositionCodingComparisonTests {
  @Test func pricesAKnownPattern() {
    // d = 16, kept 1, 5, 6, 12 (gaps 1, 3, 0, 5), entry 5 negative.
    let c = PositionCodingComparison(
      dimension: 16, positions: [1, 5, 6, 12], negative: [false, true, false, false])
    #expect(c.bitmap == 20)
    #expect(c.indexList == 4 * 4 + 4)
    // Rice k = 1: (0+1+1) + (1+1+1) + (0+1+1) + (2+1+1) = 11, + 5 for k, + 4 signs.
    #expect(c.rice == 20)
    // Exp-Golomb order 0: 3 + 5 + 1 + 5 = 14, + 4 signs.
    #expect(c.expGolomb == 18)
    // log2(16! / (3!·1!·12!)) = log2(7280).
    #expect(abs(c.enumerative - 12.829_722_735_086_09) < 1e-9)
  }
}
