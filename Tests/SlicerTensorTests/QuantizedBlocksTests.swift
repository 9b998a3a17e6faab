import Testing

@testable import SlicerTensor

/// Hand-made ggml blocks with values worked out by hand from the layouts in `QuantizedBlocks`.
/// fp16 bit patterns used: 0x3800 = 0.5, 0x3400 = 0.25, 0xBC00 = −1, 0x4000 = 2, 0xC100 = −2.5.
@Suite struct QuantizedBlocksTests {
  @Test func typeIdsAndBlockGeometryMatchGGML() {
    let expected: [(GGMLType, UInt32, Int, Int)] = [
      (.f32, 0, 1, 4), (.f16, 1, 1, 2), (.q4_0, 2, 32, 18), (.q4_1, 3, 32, 20), (.q5_0, 6, 32, 22),
      (.q5_1, 7, 32, 24), (.q8_0, 8, 32, 34), (.q8_1, 9, 32, 40), (.q2_K, 10, 256, 84),
      (.q3_K, 11, 256, 110), (.q4_K, 12, 256, 144), (.q5_K, 13, 256, 176), (.q6_K, 14, 256, 210),
      (.q8_K, 15, 256, 292), (.iq4_NL, 20, 32, 18), (.iq4_XS, 23, 256, 136), (.bf16, 30, 1, 2),
      (.tq2_0, 35, 256, 66), (.mxfp4, 39, 32, 17),
    ]
    for (type, id, blockSize, bytes) in expected {
      #expect(type.rawValue == id, "\(type)")
      #expect(type.blockSize == blockSize, "\(type)")
      #expect(type.bytesPerBlock == bytes, "\(type)")
    }
    #expect(GGMLType(rawValue: 4) == nil)  // the removed Q4_2
    #expect(GGMLType.q4_1.name == "Q4_1")
  }

  @Test func byteCountRequiresWholeBlocksAndNoOverflow() {
    #expect(GGMLType.q4_1.byteCount(elements: 64) == 40)
    #expect(GGMLType.q8_0.byteCount(elements: 576 * 49152) == 30_081_024)
    #expect(GGMLType.q8_0.byteCount(elements: 33) == nil)
    #expect(GGMLType.f32.byteCount(elements: Int.max) == nil)
    #expect(GGMLType.f32.byteCount(elements: 0) == 0)
  }

  @Test func q8_0ScalesSignedBytes() {
    // d = 0.5; q[j] = j − 16 except q[0] = −128 and q[31] = 127.
    var block: [UInt8] = [0x00, 0x38]
    var expected: [Float] = []
    for j in 0..<32 {
      let q: Int8 = j == 0 ? -128 : j == 31 ? 127 : Int8(j - 16)
      block.append(UInt8(bitPattern: q))
      expected.append(0.5 * Float(q))
    }
    #expect(decode(.q8_0, block, count: 32) == expected)
    #expect(expected[0] == -64 && expected[31] == 63.5 && expected[16] == 0)
  }

  @Test func q4_1PutsLowNibblesFirstAndAddsTheMinimum() {
    // d = 0.25, m = −1; byte j has low nibble j and high nibble 15 − j.
    var block: [UInt8] = [0x00, 0x34, 0x00, 0xBC]
    for j in 0..<16 { block.append(UInt8(j) | UInt8(15 - j) << 4) }
    let low: [Float] = (0..<16).map { j in 0.25 * Float(j) - 1 }
    let high: [Float] = (0..<16).map { j in 0.25 * Float(15 - j) - 1 }
    let expected = low + high
    let values = decode(.q4_1, block, count: 32)
    #expect(values == expected)
    #expect(values[0] == -1 && values[15] == 2.75 && values[16] == 2.75 && values[31] == -1)
  }

  @Test func q4_0CentresNibblesOnEight() {
    // d = 2; byte j has low nibble j and high nibble (j + 8) mod 16.
    var block: [UInt8] = [0x00, 0x40]
    for j in 0..<16 { block.append(UInt8(j) | UInt8((j + 8) % 16) << 4) }
    let low: [Float] = (0..<16).map { j in 2 * Float(j - 8) }
    let high: [Float] = (0..<16).map { j in 2 * Float((j + 8) % 16 - 8) }
    let expected = low + high
    #expect(decode(.q4_0, block, count: 32) == expected)
  }

  @Test func consecutiveBlocksAtAnOddAddressDecodeIndependently() {
    // Two Q4_1 blocks (d = 0.5, m = 0 then d = 2, m = −2.5), all nibbles 1 and 3, one byte into the
    // buffer so no field is aligned.
    var bytes: [UInt8] = [0xFF]
    bytes += [0x00, 0x38, 0x00, 0x00] + [UInt8](repeating: 0x31, count: 16)
    bytes += [0x00, 0x40, 0x00, 0xC1] + [UInt8](repeating: 0x31, count: 16)
    let expected =
      [Float](repeating: 0.5, count: 16) + [Float](repeating: 1.5, count: 16)
      + [Float](repeating: -0.5, count: 16) + [Float](repeating: 3.5, count: 16)
    #expect(decode(.q4_1, bytes, count: 64, skipping: 1) == expected)
  }

  @Test func plainFloatTypesDecodeExactly() {
    #expect(decode(.f32, [0x00, 0x00, 0xC0, 0x3F, 0x00, 0x00, 0x80, 0xBF], count: 2) == [1.5, -1])
    #expect(decode(.f16, [0x00, 0x3C, 0x00, 0xC1], count: 2) == [1, -2.5])
    #expect(decode(.bf16, [0xC0, 0x3F, 0x80, 0xC0], count: 2) == [1.5, -4])
  }

  @Test func onlyTheImplementedTypesClaimToBeDequantizable() {
    let dequantizable = GGMLType.allCases.filter(\.isDequantizable)
    #expect(Set(dequantizable) == [.f32, .f16, .bf16, .q4_0, .q4_1, .q8_0])
  }

  private func decode(_ type: GGMLType, _ bytes: [UInt8], count: Int, skipping skip: Int = 0)
    -> [Float]
  {
    bytes.withUnsafeBytes { raw in
      QuantizedBlocks.dequantize(type, raw.baseAddress! + skip, count: count)
    }
  }
}
