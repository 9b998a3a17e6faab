import SlicerCodec

@testable import SlicerModel

/// Step records with chosen numbers, for the view-model and pane tests.
enum StepFixtures {
  static let groups: [GroupStats] = [
    GroupStats(sign: .positive, count: 17, lo: 0.1, hi: 0.2, bits: 2),
    GroupStats(sign: .positive, count: 17, lo: 0.2, hi: 0.5, bits: 3),
    GroupStats(sign: .positive, count: 16, lo: 0.5, hi: 2.0, bits: 5),
    GroupStats(sign: .negative, count: 15, lo: 0.1, hi: 0.3, bits: 3),
    GroupStats(sign: .negative, count: 15, lo: 0.3, hi: 1.0, bits: 4),
  ]

  static func stats(bits: Int, distortion: Double, groups: [GroupStats] = groups) -> StepStats {
    StepStats(
      totalBits: bits, headerBits: 16, positionBits: bits / 2, scaleBits: 16,
      valueBits: bits - 32 - bits / 2, paddingBits: 0,
      kPositive: groups.filter { $0.sign == .positive }.reduce(0) { $0 + $1.count },
      kNegative: groups.filter { $0.sign == .negative }.reduce(0) { $0 + $1.count },
      groups: groups, distortion: distortion, encodeNanoseconds: 1000,
      mode: groups.isEmpty ? "int8" : "sparse")
  }

  /// A step that sent `positions` positions of `bitsEach` bits at `distortion` each.
  static func step(
    token: Int = 42, positions: Int = 1, bitsEach: Int, distortion: Double = 1e-3,
    groups: [GroupStats] = groups, head: Double = 0.003, encode: Double = 0.001,
    tail: Double = 0.012,
    roundTrip: Double = 0.013
  ) -> StepRecord {
    StepRecord(
      token: token, logProbability: -1.5,
      link: Array(
        repeating: stats(bits: bitsEach, distortion: distortion, groups: groups), count: positions),
      payloadBytes: positions * bitsEach / 8, headSeconds: head, encodeSeconds: encode,
      tailSeconds: tail,
      roundTripSeconds: roundTrip)
  }
}
