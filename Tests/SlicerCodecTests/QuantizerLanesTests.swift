import Testing

@testable import SlicerCodec

/// The two- and four-lane pricing kernels must give, lane by lane, the bits of the scalar
/// quantizer's round trip: the allocator's cached errors (and so the encoder's choices) depend
/// on it.
@Suite struct QuantizerLanesTests {
  /// The scalar formula the lanes replace.
  private static func scalar(_ q: GroupQuantizer, _ m: Float) -> Double {
    Double(q.reconstruct(q.index(of: m)))
  }

  /// Magnitudes a group [lo, hi] at `bits` can meet: its cell edges and their Float
  /// neighbours, the ends and beyond, cell midpoints, random values, and special values.
  private static func probes(lo: Double, hi: Double, bits: Int, rng: inout SplitMix64) -> [Float] {
    var values: [Float] = [0, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, .infinity, .nan]
    let levels = 1 << bits
    let step = (hi - lo) / Double(levels)
    for k in 0...levels {
      let edge = Float(lo + Double(k) * step)
      values += [edge, edge.nextUp, edge.nextDown, Float(lo + (Double(k) + 0.5) * step)]
    }
    values += [Float(lo), Float(hi), Float(lo).nextDown, Float(hi).nextUp, Float(lo / 2), Float(hi * 2)]
    for _ in 0..<64 {
      values.append(Float(lo + (hi - lo) * (rng.unit() * 1.2 - 0.1)))
    }
    return values.filter { !($0 < 0) }  // magnitudes are never negative; NaN stays
  }

  /// Groups [lo, hi] across the ranges the scale codes cover, plus degenerate ones.
  private static func groups(rng: inout SplitMix64) -> [(Double, Double)] {
    let tiny = Double.leastNonzeroMagnitude
    var result: [(Double, Double)] = [
      (1, 1), (0, 0), (0.25, 0.25), (3e38, 3e38),  // zero width: lo == hi
      (0, 1), (0.5, 0.75), (1e-3, 2e-3),
      // Unit cells at 8 bits: positions are the magnitudes themselves, so edges are integers
      // and midpoints half-integers (the ties of the lanes' rounding).
      (0, 256), (0.5, 256.5), (0, 16), (0, 2),
      (0, 1e-40), (1e-45, 3e-45), (0, tiny * 2000), (0, tiny), (tiny * 1e13, tiny * (1e13 + 3)),  // subnormal
      (1e37, 3e38), (0, Double(Float.greatestFiniteMagnitude)), (3.3e38, 3.4e38),  // huge
    ]
    for _ in 0..<200 {
      let e = Int(rng.unit() * 200) - 140  // 2^-140 … 2^60
      let lo = rng.unit() < 0.2 ? 0 : Double(sign: .plus, exponent: e, significand: 1 + rng.unit())
      let width = Double(sign: .plus, exponent: e + Int(rng.unit() * 8) - 6, significand: 1 + rng.unit())
      let hi = lo + width
      result.append((lo, hi))
    }
    return result
  }

  @Test func lanesGiveTheScalarRoundTripBitForBit() {
    var rng = SplitMix64(seed: 71)
    var checked = 0
    for (lo, hi) in Self.groups(rng: &rng) {
      for bits in 0...SlicerFormat.maxBits {
        let quantizer = GroupQuantizer(lo: lo, hi: hi, bits: bits)
        guard let lanes = QuantizerLanes(quantizer) else {
          Issue.record("no lanes for [\(lo), \(hi)] at \(bits) bits")
          continue
        }
        let values = Self.probes(lo: lo, hi: hi, bits: bits, rng: &rng)
        // Each value in both lanes, next to a neighbour, so lanes cannot leak into each other.
        for (i, v) in values.enumerated() {
          let w = values[(i * 7 + 3) % values.count]
          let got = lanes.roundTrip(SIMD2(Double(v), Double(w)))
          let index = lanes.index(of: SIMD2(Double(v), Double(w)))
          #expect(index[0] == Double(quantizer.index(of: v)), "\(v) in [\(lo), \(hi)] at \(bits)")
          #expect(index[1] == Double(quantizer.index(of: w)), "\(w) in [\(lo), \(hi)] at \(bits)")
          #expect(got[0].bitPattern == Self.scalar(quantizer, v).bitPattern, "\(v) in [\(lo), \(hi)] at \(bits)")
          #expect(got[1].bitPattern == Self.scalar(quantizer, w).bitPattern, "\(w) in [\(lo), \(hi)] at \(bits)")
          // The four-lane form the allocator sums with: each lane its own value.
          let four = [v, w, values[(i * 5 + 1) % values.count], values[(i * 11 + 2) % values.count]]
          let got4 = lanes.roundTrip(SIMD4(four.map { Double($0) }))
          for lane in 0..<4 {
            #expect(
              got4[lane].bitPattern == Self.scalar(quantizer, four[lane]).bitPattern,
              "\(four[lane]) in lane \(lane) of [\(lo), \(hi)] at \(bits)")
          }
          checked += 6
        }
      }
    }
    #expect(checked > 100_000)
  }

  /// Where a reconstruction could pass Float's largest value, the scalar quantizer clamps it;
  /// the lanes leave the clamp out, so they must refuse such a group.
  @Test func lanesRefuseGroupsWhoseReconstructionWouldOverflowFloat() {
    let top = Double(Float.greatestFiniteMagnitude)
    #expect(QuantizerLanes(GroupQuantizer(lo: top, hi: top * 2, bits: 0)) == nil)
    #expect(QuantizerLanes(GroupQuantizer(lo: 1e38, hi: 1e39, bits: 8)) == nil)
    #expect(QuantizerLanes(GroupQuantizer(lo: 1e38, hi: .infinity, bits: 3)) == nil)
    #expect(QuantizerLanes(GroupQuantizer(lo: 0, hi: .nan, bits: 3)) == nil)
    // The top cell's midpoint is still below Float's largest value.
    #expect(QuantizerLanes(GroupQuantizer(lo: 0, hi: top, bits: 8)) != nil)
    #expect(QuantizerLanes(GroupQuantizer(lo: top, hi: top, bits: 8)) != nil)
  }
}
