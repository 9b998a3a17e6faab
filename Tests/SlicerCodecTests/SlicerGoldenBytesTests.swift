import Testing

@testable import SlicerCodec

/// The SLICER encoder's exact output on a fixed set of seeded vectors, as one FNV-1a hash of
/// every message and every decoded value. Speed work must keep it: a planner, coder or sort
/// change that alters a single byte or decoded bit shows here. A deliberate change of the
/// format or of the encoder's choices updates `expected` (and says why in its commit).
///
/// The vectors are built with + − × ÷ only (no libm), so they are the same on every platform.
@Suite struct SlicerGoldenBytesTests {
  static let expected = "d90da380cc8e8b63 289544"

  /// Four shapes: near-Gaussian (sum of four uniforms), heavy-tailed (divided by a small
  /// uniform), with three massive channels (×300), and sparse (three quarters zero).
  static func vector(_ shape: Int, width d: Int, rng: inout SplitMix64) -> [Float] {
    func uniform() -> Double { Double(rng.next() >> 11) * 0x1p-53 }
    var x = (0..<d).map { _ in Float(uniform() + uniform() + uniform() + uniform() - 2) }
    switch shape {
    case 1: x = x.map { $0 / Float(uniform() + 0.05) }
    case 2: for i in [0, d / 3, d - 1] { x[i] *= 300 }
    case 3: x = x.map { uniform() < 0.75 ? 0 : $0 }
    default: break
    }
    return x
  }

  @Test func encoderOutputIsUnchanged() throws {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    func mix(_ v: UInt64) { hash = (hash ^ v) &* 0x100_0000_01b3 }
    var bits = 0
    for spec in ["slicer:1e-5", "slicer:1e-3", "slicer:0.1", "slicer:0.3:m=mse", "slicer:1e-2:g=3"] {
      let codec = try CodecSpec(parsing: spec).makeCodec()
      var rng = SplitMix64(seed: 23)
      for d in [768, 64, 7] {
        for shape in 0..<4 {
          for _ in 0..<(d == 768 ? 6 : 4) {
            let x = Self.vector(shape, width: d, rng: &rng)
            let message = codec.encode(x)
            bits += message.stats.totalBits
            for b in message.bytes { mix(UInt64(b)) }
            for v in try codec.decode(message.bytes, dimension: d) { mix(UInt64(v.bitPattern)) }
          }
        }
      }
    }
    #expect("\(String(hash, radix: 16)) \(bits)" == Self.expected)
  }
}
