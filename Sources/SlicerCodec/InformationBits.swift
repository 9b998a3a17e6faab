import Foundation

/// Information content of the counting models the sparse format uses, for pricing candidates
/// and for the per-part bit counts in `StepStats`.
enum InformationBits {
  private static let log2e = 1.442_695_040_888_963_4

  /// log2(n!).
  static func log2Factorial(_ n: Int) -> Double {
    if n < 2 { return 0 }
    if n < tableSize { return factorialTable[n] }
    return lgamma(Double(n) + 1) * log2e
  }

  /// log2(n!) for n < 4096, computed once with the same expression as above (so a table hit
  /// and a direct computation give the same Double): pricing a plan takes a few dozen.
  private static let tableSize = 4096
  private static let factorialTable: [Double] = (0..<tableSize).map {
    $0 < 2 ? 0 : lgamma(Double($0) + 1) * log2e
  }

  /// log2 of the multinomial n! / Π parts! (parts sum to n).
  static func log2Multinomial(_ n: Int, _ parts: some Sequence<Int>) -> Double {
    var bits = log2Factorial(n)
    for p in parts { bits -= log2Factorial(p) }
    return max(0, bits)
  }

  /// `log2Multinomial(n, [a, b])`, the same arithmetic without the array.
  static func log2Multinomial(_ n: Int, _ a: Int, _ b: Int) -> Double {
    max(0, log2Factorial(n) - log2Factorial(a) - log2Factorial(b))
  }

  /// `log2Multinomial(n, [a, b, c])`, the same arithmetic without the array.
  static func log2Multinomial(_ n: Int, _ a: Int, _ b: Int, _ c: Int) -> Double {
    max(0, log2Factorial(n) - log2Factorial(a) - log2Factorial(b) - log2Factorial(c))
  }

  /// What `ChunkModel` spends on which `kept` of `d` positions are kept: d·H(K/d), up to the
  /// frequencies' rounding (< 2^-20 bit per chunk) and the chunks after the last kept entry
  /// that are not sent.
  static func chunkedPositions(dimension d: Int, kept k: Int) -> Double {
    guard k > 0 && k < d else { return 0 }
    let p = Double(k) / Double(d)
    return -(Double(k) * log2(p) + Double(d - k) * log2(1 - p))
  }

  /// log2 of a uniform choice among `count` values (0 for count ≤ 1).
  static func uniform(_ count: Int) -> Double {
    count <= 1 ? 0 : log2(Double(count))
  }
}

/// Ideal bits of a sparse message by part, in the categories of `StepStats`.
struct PartBits {
  var header = 0.0
  var positions = 0.0
  var scales = 0.0
  var values = 0.0
  var total: Double { header + positions + scales + values }

  /// Prices a sparse message with these stream layouts (codes and bitwidths filled in).
  init(dimension d: Int, mantissaBits m: Int, streams: [StreamLayout]) {
    let kp = streams[0].kept
    let kn = streams[1].kept
    let k = kp + kn
    header =
      Double(SlicerFormat.modeBits) + InformationBits.uniform(d)
      + InformationBits.uniform(k + 1) + InformationBits.uniform(ScaleCode.maxMantissaBits + 1)
    positions =
      InformationBits.chunkedPositions(dimension: d, kept: k)
      + InformationBits.log2Multinomial(k, kp, kn)
    for s in streams where s.kept > 0 {
      let g = s.groupCount
      let o = s.outliers
      let codeCount = ScaleCode.count(mantissaBits: m)
      let outlierTotal =
        SlicerFormat.noOutlierFrequency + min(SlicerFormat.maxOutliers, s.kept)
        * SlicerFormat.outlierFrequency
      header += log2(
        Double(outlierTotal)
          / Double(o == 0 ? SlicerFormat.noOutlierFrequency : SlicerFormat.outlierFrequency))
      if s.kept > o { header += InformationBits.uniform(min(SlicerFormat.maxGroups, s.kept - o)) }
      header += Double(g + o) * InformationBits.uniform(SlicerFormat.maxBits + 1)
      func golomb(_ v: Int) -> Double {
        Double(RangeEncoder.expGolombLength(UInt64(v), order: m))
      }
      if o > 0 {
        scales += InformationBits.uniform(codeCount - 1)
        for i in 0..<(o - 1) { scales += golomb(s.outlierCodes[i + 1] - s.outlierCodes[i]) }
      }
      if g > 0 {
        scales +=
          o > 0 ? golomb(s.outlierCodes[0] + 1 - s.codes[g]) : InformationBits.uniform(codeCount)
        for j in 0..<g { scales += golomb(s.codes[j + 1] - s.codes[j]) }
      }
      let groups = 0..<(g + o)
      positions += InformationBits.log2Multinomial(s.kept, groups.lazy.map(s.size))
      for j in groups { values += Double(s.size(j) * s.bitwidths[j]) }
    }
  }
}
