import Foundation
import Testing

@testable import SlicerCodec

@Suite struct SlicerCodecTests {
  let x: [Float] = [3, -1, 0.5, 0, -0.25, 2]

  @Test func goldenMessage() throws {
    // Keeps 3 and 2 in one positive group over [2, 3] at 2 bits (levels 2.125 … 2.875).
    let codec = CodecSpec.slicer(budget: 0.1).makeCodec()
    let e = codec.encode(x)
    #expect(e.bytes == [0x89, 0x24, 0x34, 0x43, 0x92])
    #expect(e.bytes[0] >> 5 == 4)  // mode 4, sparse
    #expect(try codec.decode(e.bytes, dimension: 6) == [2.875, 0, 0, 0, 0, 2.125])
    let s = e.stats
    #expect(s.mode == "sparse" && s.kPositive == 2 && s.kNegative == 0)
    #expect(s.groups == [GroupStats(sign: .positive, count: 2, lo: 2, hi: 3, bits: 2)])
    // (0.125² + 1 + 0.25 + 0.0625 + 0.125²) / (9 + 1 + 0.25 + 0.0625 + 4)
    #expect(s.distortion == 1.34375 / 14.3125)
    #expect(s.totalBits == 40)
    #expect(s.headerBits + s.positionBits + s.scaleBits + s.valueBits + s.paddingBits == 40)
    #expect(s.valueBits == 4)
  }

  @Test func goldenMessagesAtTighterBudgets() throws {
    let codec = CodecSpec.slicer(budget: 0.01).makeCodec()
    let e = codec.encode(x)
    #expect(e.bytes == [0x93, 0x59, 0x95, 0x68, 0xBA, 0xC2, 0x15, 0x6A])
    #expect(try codec.decode(e.bytes, dimension: 6) == [2.84375, -1, 0.65625, 0, 0, 1.90625])
    let fine = CodecSpec.slicer(budget: 1e-4).makeCodec().encode(x)
    #expect(fine.bytes == [0x98, 0x5B, 0xDF, 0xDB, 0x7B, 0x44, 0xA7, 0x05, 0x11, 0xCC, 0xDE, 0xE7])
  }

  @Test func zeroVectorAndBudgetsOfOneOrMoreAreTheOneByteZeroMessage() throws {
    for (vector, budget) in [
      ([Float](repeating: 0, count: 8), 1e-3), ([0, -0.0], 0), (x, 1), (x, 7),
    ] {
      let codec = CodecSpec.slicer(budget: budget).makeCodec()
      let e = codec.encode(vector)
      #expect(e.bytes == [0x00])
      #expect(e.stats.mode == "zero" && e.stats.totalBits == 8)
      #expect(
        try codec.decode([0x00], dimension: vector.count)
          == [Float](repeating: 0, count: vector.count))
    }
    #expect(CodecSpec.slicer(budget: 1).makeCodec().encode(x).stats.distortion == 1)
  }

  @Test func emptyVector() throws {
    let codec = CodecSpec.slicer(budget: 0.1).makeCodec()
    let e = codec.encode([])
    #expect(e.bytes == [0x00])
    #expect(try codec.decode(e.bytes, dimension: 0) == [])
  }

  @Test func zeroBudgetIsLossless() throws {
    let codec = CodecSpec.slicer(budget: 0).makeCodec()
    let exact = codec.encode(x)
    #expect(exact.stats.distortion == 0)
    #expect(try codec.decode(exact.bytes, dimension: 6) == x)
    // Values neither a sparse message nor fp16 can hold exactly: the lossless fp32 fallback.
    let v: [Float] = [0.1, -1.0 / 3, 2.7182817, 1e-7]
    let e = codec.encode(v)
    #expect(e.stats.mode == "fp32" && e.bytes.count == 1 + 16 && e.bytes[0] == 0x60)
    #expect(try codec.decode(e.bytes, dimension: 4) == v)
    #expect(e.stats.distortion == 0 && e.stats.totalBits == 136)
  }

  @Test func nonFiniteInputGoesOutLosslessly() throws {
    let codec = CodecSpec.slicer(budget: 0.1).makeCodec()
    let v: [Float] = [1, .nan, -.infinity, 2, .infinity]
    let e = codec.encode(v)
    #expect(e.stats.mode == "fp32" && e.stats.distortion == 0)
    let decoded = try codec.decode(e.bytes, dimension: 5)
    #expect(decoded.map(\.bitPattern) == v.map(\.bitPattern))
  }

  @Test func extremeMagnitudesStayWithinBudget() throws {
    let codec = CodecSpec.slicer(budget: 1e-3).makeCodec()
    for v: [Float] in [
      [.greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1],
      [.leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude],
      [1e30, 1e-30, -1e-20, 3],
      [Float](repeating: 5, count: 300),
      [1],
      [-1e-3],
    ] {
      let e = codec.encode(v)
      let decoded = try codec.decode(e.bytes, dimension: v.count)
      #expect(Distortion.relativeSquaredError(v, decoded) <= 1e-3)
      #expect(Distortion.relativeSquaredError(v, decoded) == e.stats.distortion)
    }
  }

  @Test func massiveChannelBecomesAnOutlier() throws {
    var rng = SplitMix64(seed: 9)
    var v = (0..<576).map { _ in Float(rng.gaussian()) }
    v[507] = 800
    let e = CodecSpec.slicer(budget: 1e-2).makeCodec().encode(v)
    #expect(e.stats.groups.contains { $0.count == 1 && $0.lo <= 800 && $0.hi >= 800 })
    let decoded = try CodecSpec.slicer(budget: 1e-2).makeCodec().decode(e.bytes, dimension: 576)
    #expect(Distortion.relativeSquaredError(v, decoded) <= 1e-2)
  }

  @Test func decodeMatchesTheEncodersReconstructionBitForBit() throws {
    var rng = SplitMix64(seed: 17)
    for kind in SyntheticFeatures.Kind.allCases {
      for budget in [1e-4, 1e-2, 0.2] {
        let v = SyntheticFeatures.vector(kind, dimension: 333, rng: &rng)
        let energy = v.reduce(0.0) { $0 + Double($1) * Double($1) }
        let (positive, negative) = SignStream.split(v)
        let streams = [positive, negative]
        let planner = SlicerPlanner(streams: streams, dimension: 333, maxGroups: 8)
        let (allocator, plan) = try #require(planner.plan(allowedError: budget * energy))
        let message = allocator.message(for: plan)
        let bytes = SparseMessageCoder.write(message)
        let decoded = try SparseMessageCoder.read(bytes, dimension: 333)
        #expect(decoded.map(\.bitPattern) == message.reconstruction().map(\.bitPattern))
        // The planner's exact error matches the decoded vector's.
        let measured = Distortion.relativeSquaredError(v, decoded) * energy
        #expect(abs(measured - plan.squaredError) <= 1e-9 * energy)
      }
    }
  }

  @Test func statsPartsSumToTheMessageAndDescribeIt() throws {
    var rng = SplitMix64(seed: 23)
    for budget in [1e-3, 0.05, 0.4] {
      let v = SyntheticFeatures.vector(.residual, dimension: 576, rng: &rng)
      let e = CodecSpec.slicer(budget: budget).makeCodec().encode(v)
      let s = e.stats
      #expect(s.totalBits == 8 * e.bytes.count)
      #expect(
        s.headerBits + s.positionBits + s.scaleBits + s.valueBits + s.paddingBits == s.totalBits)
      #expect(s.paddingBits >= 0 && s.paddingBits < 16)
      #expect(s.groups.filter { $0.sign == .positive }.map(\.count).reduce(0, +) == s.kPositive)
      #expect(s.groups.filter { $0.sign == .negative }.map(\.count).reduce(0, +) == s.kNegative)
      #expect(s.valueBits == s.groups.map { $0.count * $0.bits }.reduce(0, +))
      #expect(s.groups.allSatisfy { $0.lo <= $0.hi && (0...8).contains($0.bits) })
      #expect(abs(s.snrDB + 10 * log10(s.distortion)) < 1e-9)
      #expect(s.encodeNanoseconds > 0)
    }
  }

  @Test func groupLimitIsHonoured() {
    var rng = SplitMix64(seed: 31)
    let v = SyntheticFeatures.vector(.gaussian, dimension: 768, rng: &rng)
    for g in [1, 2, 4] {
      let e = CodecSpec.slicer(budget: 1e-4, maxGroups: g).makeCodec().encode(v)
      for sign in [GroupStats.Sign.positive, .negative] {
        #expect(e.stats.groups.filter { $0.sign == sign && $0.count > 1 }.count <= g)
      }
    }
  }

  @Test func wideVectors() throws {
    var rng = SplitMix64(seed: 37)
    let v = SyntheticFeatures.vector(.heavyTailed, dimension: 70_000, rng: &rng)
    let codec = CodecSpec.slicer(budget: 1e-2).makeCodec()
    let e = codec.encode(v)
    #expect(e.stats.mode == "sparse")
    #expect(
      try Distortion.relativeSquaredError(v, codec.decode(e.bytes, dimension: v.count)) <= 1e-2)
  }
}
