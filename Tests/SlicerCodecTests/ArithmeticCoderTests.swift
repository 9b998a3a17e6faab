import Foundation
import Testing

@testable import SlicerCodec

@Suite struct ArithmeticCoderTests {
  @Test func emptyMessageIsTheTwoTerminatingBits() {
    let writer = ArithmeticEncoder(writer: BitWriter()).finish()
    #expect(writer.bitCount == 2)
    #expect(writer.finish() == [0b0100_0000])
  }

  @Test func oneUniformSymbolHasAnExactEncoding() throws {
    // 1 of 2: low = 2^47, high = 2^48 − 1 → shares the leading 1 → "1"; terminate → "01".
    var ac = ArithmeticEncoder(writer: BitWriter())
    ac.encode(uniform: 1, count: 2)
    let writer = ac.finish()
    #expect(writer.bitCount == 3)
    #expect(writer.finish() == [0b1010_0000])
    var decoder = ArithmeticDecoder(reader: BitReader([0b1010_0000]), codec: "test")
    let symbol = try decoder.decode(uniform: 2)
    #expect(symbol == 1)
    #expect(decoder.codedBits == 3)
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
      var ac = ArithmeticEncoder(writer: BitWriter())
      for op in ops {
        switch op {
        case .uniform(let v, let n): ac.encode(uniform: v, count: n)
        case .bits(let v, let n): ac.encode(bits: v, count: n)
        case .golomb(let v, let k): ac.encode(expGolomb: v, order: k)
        case .slice(let c, let f, let t): ac.encode(cumulative: c, frequency: f, totalBits: Int(t))
        }
      }
      let writer = ac.finish()
      let bitCount = writer.bitCount
      let bytes = writer.finish()
      var decoder = ArithmeticDecoder(reader: BitReader(bytes), codec: "test")
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
          let (r, offset) = try decoder.cell(totalBits: Int(t))
          #expect(offset >= r * c && offset < r * (c + f), "trial \(trial)")
          decoder.take(width: r, cumulative: c, frequency: f)
        }
      }
      #expect(decoder.codedBits == bitCount, "trial \(trial)")
    }
  }

  @Test func expGolombLengths() {
    #expect(ArithmeticEncoder.expGolombLength(0, order: 0) == 1)
    #expect(ArithmeticEncoder.expGolombLength(1, order: 0) == 3)
    #expect(ArithmeticEncoder.expGolombLength(6, order: 0) == 5)
    #expect(ArithmeticEncoder.expGolombLength(7, order: 0) == 7)
    #expect(ArithmeticEncoder.expGolombLength(7, order: 3) == 4)
    #expect(ArithmeticEncoder.expGolombLength(8, order: 3) == 6)
  }

  @Test func overlongExpGolombPrefixIsRejected() {
    var decoder = ArithmeticDecoder(
      reader: BitReader([UInt8](repeating: 0, count: 16)), codec: "test")
    #expect(
      throws: CodecError.corrupt(
        codec: "test", detail: "an Exp-Golomb code has more than 40 leading zeros")
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

@Suite struct GapModelTests {
  @Test func cumulativeCountsForFivePositionsTwoKept() {
    // Q = 1, 3/5, 3/10, 1/10, 0; scale = 2^32 − 4.
    var model = GapModel(positionsLeft: 5, keptLeft: 2)
    let scale = Double((1 << 32) - 4)
    #expect(model.maxGap == 3)
    #expect(model.lower == 0)
    let edges = (0..<4).map { _ in model.next() }
    #expect(
      edges == [
        UInt64(scale * (1 - 0.6)) + 1, UInt64(scale * (1 - 0.6 * 2 / 4)) + 2,
        UInt64(scale * (1 - 0.6 * 2 / 4 * 1 / 3)) + 3, 1 << 32,
      ])
  }

  @Test func gapCostsSumToTheBinomial() {
    // Coding every gap of a fixed pattern costs log2 C(n, k) bits up to rounding.
    let n = 300
    let kept = stride(from: 3, to: n, by: 7).map { $0 }
    var bits = 0.0
    var position = 0
    for (i, p) in kept.enumerated() {
      var model = GapModel(positionsLeft: n - position, keptLeft: kept.count - i)
      while model.gap < p - position { _ = model.next() }
      let lower = model.lower
      let upper = model.next()
      bits -= log2(Double(upper - lower) / Double(1 << 32))
      position = p + 1
    }
    let exact = InformationBits.log2Multinomial(n, [kept.count, n - kept.count])
    #expect(abs(bits - exact) < 1e-3)
  }
}
