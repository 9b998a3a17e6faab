import Foundation
import Testing

@testable import SlicerCodec

@Suite struct RangeCoderTests {
  @Test func emptyMessageIsTheTerminatingByte() {
    // low = 0 is a multiple of 2^48: the one terminating byte is 0x00.
    #expect(RangeEncoder().finish() == [0x00])
    let decoder = RangeDecoder([0x00], codec: "test")
    #expect(throws: Never.self) { try decoder.checkEnd() }
    #expect(throws: CodecError.wrongLength(codec: "test", expectedBytes: 1, actualBytes: 0)) {
      try RangeDecoder([], codec: "test").checkEnd()
    }
    #expect(
      throws: CodecError.corrupt(
        codec: "test", detail: "the coded section does not end the way the encoder ends it")
    ) {
      try RangeDecoder([0x01], codec: "test").checkEnd()
    }
  }

  @Test func oneUniformSymbolHasAnExactEncoding() throws {
    // 1 of 2: low = 2^55, range = 2^55 → the point 2^55 needs one byte, 0x80.
    var ac = RangeEncoder()
    ac.encode(uniform: 1, count: 2)
    #expect(ac.finish() == [0x80])
    var decoder = RangeDecoder([0x80], codec: "test")
    let symbol = try decoder.decode(uniform: 2)
    #expect(symbol == 1)
    try decoder.checkEnd()
    // The same symbol followed by a byte the encoder would not write is rejected.
    var longer = RangeDecoder([0x80, 0x00], codec: "test")
    _ = try longer.decode(uniform: 2)
    #expect(throws: CodecError.wrongLength(codec: "test", expectedBytes: 1, actualBytes: 2)) {
      try longer.checkEnd()
    }
  }

  @Test func carryReachesAWrittenByte() throws {
    // [0x7FFF, 0x8001) of 2^16: low = 0x7FFF·2^40, range = 2^41 → byte 0x7F is written and
    // the interval [0xFF·2^48, 0x101·2^48) straddles the window's top. Its top quarter starts
    // at 2^56 + 2^47: the carry turns the written 0x7F into 0x80, the next byte is 0x00, and
    // the point 0x80·2^48 ends the message.
    var ac = RangeEncoder()
    ac.encode(cumulative: 0x7FFF, frequency: 2, totalBits: 16)
    ac.encode(bits: 3, count: 2)
    let bytes = ac.finish()
    #expect(bytes == [0x80, 0x00, 0x80])
    var decoder = RangeDecoder(bytes, codec: "test")
    let (r, target) = decoder.target(totalBits: 16)
    #expect(target == 0x8000)
    decoder.take(width: r, cumulative: 0x7FFF, frequency: 2)
    #expect(try decoder.decodeBits(count: 2) == 3)
    try decoder.checkEnd()
  }

  @Test func randomSymbolStreamsRoundTripWithExactLength() throws {
    var rng = SplitMix64(seed: 42)
    for trial in 0..<50 {
      enum Op {
        case uniform(Int, Int)
        case bits(Int, Int)
        case golomb(UInt64, Int)
        case slice(UInt64, UInt64, UInt64)
      }
      var ops = [Op]()
      for _ in 0..<(Int(rng.next() % 400)) {
        switch rng.next() % 4 {
        case 0:
          let count = 1 + Int(rng.next() % 100_000)
          ops.append(.uniform(Int(rng.next() % UInt64(count)), count))
        case 1:
          let n = Int(rng.next() % 17)
          ops.append(.bits(n == 0 ? 0 : Int(rng.next() % (1 << UInt64(n))), n))
        case 2:
          ops.append(.golomb(rng.next() % 5000, Int(rng.next() % 8)))
        default:
          // A skewed slice: sometimes very improbable, to exercise long underflow runs.
          let total = UInt64(1) << 32
          let frequency = 1 + rng.next() % (rng.next() % 2 == 0 ? 3 : total / 2)
          ops.append(.slice(rng.next() % (total - frequency + 1), frequency, 32))
        }
      }
      var ac = RangeEncoder()
      for op in ops {
        switch op {
        case .uniform(let v, let n): ac.encode(uniform: v, count: n)
        case .bits(let v, let n): ac.encode(bits: v, count: n)
        case .golomb(let v, let k): ac.encode(expGolomb: v, order: k)
        case .slice(let c, let f, let t): ac.encode(cumulative: c, frequency: f, totalBits: Int(t))
        }
      }
      let bytes = ac.finish()
      var decoder = RangeDecoder(bytes, codec: "test")
      for op in ops {
        switch op {
        case .uniform(let v, let n):
          let got = try decoder.decode(uniform: n)
          #expect(got == v)
        case .bits(let v, let n):
          let got = try decoder.decodeBits(count: n)
          #expect(got == v)
        case .golomb(let v, let k):
          let got = try decoder.decode(expGolombOrder: k)
          #expect(got == v)
        case .slice(let c, let f, let t):
          let (r, target) = decoder.target(totalBits: Int(t))
          #expect(target >= c && target < c + f, "trial \(trial)")
          decoder.take(width: r, cumulative: c, frequency: f)
        }
      }
      // The decoder's own steps predict the byte count and the termination exactly.
      #expect(throws: Never.self, "trial \(trial)") { try decoder.checkEnd() }
    }
  }

  @Test func expGolombLengths() {
    #expect(RangeEncoder.expGolombLength(0, order: 0) == 1)
    #expect(RangeEncoder.expGolombLength(1, order: 0) == 3)
    #expect(RangeEncoder.expGolombLength(6, order: 0) == 5)
    #expect(RangeEncoder.expGolombLength(7, order: 0) == 7)
    #expect(RangeEncoder.expGolombLength(7, order: 3) == 4)
    #expect(RangeEncoder.expGolombLength(8, order: 3) == 6)
  }

  @Test func overlongExpGolombPrefixIsRejected() {
    var decoder = RangeDecoder([UInt8](repeating: 0, count: 16), codec: "test")
    #expect(
      throws: CodecError.corrupt(
        codec: "test", detail: "an Exp-Golomb code has more than 31 leading zeros")
    ) {
      _ = try decoder.decode(expGolombOrder: 0)
    }
  }
}

@Suite struct ScaleCodeTests {
  @Test func codesAreMiniFloats() {
    // m = 3: 1.0 is exponent 0 → (0 + 149) << 3 = 1192; each step is 1/8 of the octave.
    #expect(ScaleCode.value(1192, mantissaBits: 3) == 1.0)
    #expect(ScaleCode.value(1193, mantissaBits: 3) == 1.125)
    #expect(ScaleCode.value(1200, mantissaBits: 3) == 2.0)
    #expect(ScaleCode.code(atOrBelow: 1.2, mantissaBits: 3) == 1193)
    #expect(ScaleCode.code(atOrAbove: 1.2, mantissaBits: 3) == 1194)
    #expect(ScaleCode.code(nearest: 1.2, mantissaBits: 3) == 1194)
    #expect(ScaleCode.code(atOrAbove: 1.25, mantissaBits: 3) == 1194)
    #expect(ScaleCode.code(nearest: 0.75, mantissaBits: 0) == 148)  // 0.5 vs 1.0: tie → lower
  }

  @Test func everyFiniteFloatMagnitudeFitsTheGrid() {
    for m in 0...7 {
      let tiny = Double(Float.leastNonzeroMagnitude)
      #expect(ScaleCode.code(atOrBelow: tiny, mantissaBits: m) == 0)
      #expect(ScaleCode.value(0, mantissaBits: m) == tiny)
      let huge = Double(Float.greatestFiniteMagnitude)
      let top = ScaleCode.code(atOrAbove: huge, mantissaBits: m)
      #expect(top < ScaleCode.count(mantissaBits: m))
      #expect(ScaleCode.value(top, mantissaBits: m) >= huge)
      #expect(ScaleCode.value(ScaleCode.count(mantissaBits: m) - 1, mantissaBits: m) < 0x1p129)
    }
  }
}

@Suite struct ChunkModelTests {
  @Test func patternsRankWithinTheirCount() {
    #expect(ChunkPatterns.rank(0) == 0 && ChunkPatterns.rank(0xFF) == 0)
    #expect(ChunkPatterns.rank(0x01) == 0 && ChunkPatterns.rank(0x02) == 1)
    #expect(ChunkPatterns.rank(0x80) == 7 && ChunkPatterns.rank(0x03) == 0)
    #expect(ChunkPatterns.rank(0xC0) == 27)
    for pattern in 0..<256 {
      let c = pattern.nonzeroBitCount
      #expect(ChunkPatterns.unrank(count: c, index: ChunkPatterns.rank(pattern)) == pattern)
    }
  }

  @Test func halfKeptGivesEveryPatternTheSameCell() {
    // p = ½: every pattern has frequency ⌊(2^32 − 1024)/256⌋ = 2^24 − 4, cells in rank order.
    let model = ChunkModel(dimension: 16, kept: 8)
    let f: UInt64 = (1 << 24) - 4
    #expect(model.cell(pattern: 0) == (0, f))
    #expect(model.cell(pattern: 0x01) == (f, f))
    #expect(model.cell(pattern: 0x80) == (8 * f, f))
    #expect(model.cell(pattern: 0x03) == (9 * f, f))
    #expect(model.cell(pattern: 0xFF) == (255 * f, f))
    #expect(model.find(code: 9 * f + 5, width: 1)! == (0x03, 5, f))
    #expect(model.find(code: 3 * (9 * f + 5), width: 3)! == (0x03, 15, 3 * f))
    #expect(model.find(code: 256 * f, width: 1) == nil)
  }

  @Test func cellsTileTheRangeWithoutOverlap() {
    for (d, k) in [(768, 1), (768, 212), (576, 575), (9, 9), (8, 1)] {
      let model = ChunkModel(dimension: d, kept: k)
      var cells = (0..<256).map { model.cell(pattern: $0) }
      cells.sort { $0.cumulative < $1.cumulative }
      var next: UInt64 = 0
      for cell in cells {
        #expect(cell.cumulative == next && cell.frequency >= 1)
        next = cell.cumulative + cell.frequency
      }
      #expect(next <= 1 << 32)
      for pattern in [0, 1, 0x5A, 0xFF] {
        let (cumulative, frequency) = model.cell(pattern: pattern)
        #expect(model.find(code: cumulative + frequency - 1, width: 1)! == (pattern, frequency - 1, frequency))
        #expect(model.find(code: 5 * cumulative + 4, width: 5)! == (pattern, 4, 5 * frequency))
      }
    }
  }

  @Test func keptSetCostsTheBinaryEntropyOfItsDensity() {
    // 212 of 768 kept: Σ −log2(f/2^32) over the 96 chunks ≈ d·H(212/768), whatever the layout.
    let d = 768
    let k = 212
    let model = ChunkModel(dimension: d, kept: k)
    var rng = SplitMix64(seed: 3)
    var kept = Set<Int>()
    while kept.count < k { kept.insert(Int(rng.next() % UInt64(d))) }
    var bits = 0.0
    for chunk in 0..<(d / 8) {
      var pattern = 0
      for j in 0..<8 where kept.contains(8 * chunk + j) { pattern |= 0x80 >> j }
      bits -= log2(Double(model.cell(pattern: pattern).frequency) / 0x1p32)
    }
    #expect(abs(bits - InformationBits.chunkedPositions(dimension: d, kept: k)) < 0.01)
  }
}
