/// Times codecs on synthetic vectors: the numbers behind `slicer bench codec`.
///
/// Each spec encodes and decodes the same seeded vectors (`SyntheticFeatures`, default kind
/// `.residual`: LLM-residual-shaped with massive channels); every call is timed on its own and
/// the medians are reported, so a busy machine shows up as spread rather than bias.
public enum CodecBenchmark {
  public struct Row: Sendable, Equatable {
    public var spec: CodecSpec
    public var dimension: Int
    public var medianEncodeMicroseconds: Double
    public var medianDecodeMicroseconds: Double
    /// Median of encode + decode measured per vector.
    public var medianRoundTripMicroseconds: Double
    public var meanBits: Double
    public var meanDistortion: Double
    public var maxDistortion: Double
  }

  /// Runs `iterations` vectors (at least 1) of width `dimension` through each spec.
  public static func run(
    dimension: Int, iterations: Int, specs: [CodecSpec],
    kind: SyntheticFeatures.Kind = .residual, seed: UInt64 = 1
  ) -> [Row] {
    var rng = SplitMix64(seed: seed)
    let vectors = (0..<max(1, iterations)).map { _ in
      SyntheticFeatures.vector(kind, dimension: dimension, rng: &rng)
    }
    let clock = ContinuousClock()
    return specs.map { spec in
      let codec = spec.makeCodec()
      _ = codec.encode(vectors[0])  // warm up
      var encode = [UInt64]()
      var decode = [UInt64]()
      var both = [UInt64]()
      var bits = 0.0
      var distortion = 0.0
      var worst = 0.0
      for x in vectors {
        let start = clock.now
        let message = codec.encode(x)
        let encoded = clock.now
        let decoded = try? codec.decode(message.bytes, dimension: dimension)
        let end = clock.now
        precondition(decoded != nil, "\(spec) failed to decode its own message")
        encode.append(encoded.nanoseconds(since: start))
        decode.append(end.nanoseconds(since: encoded))
        both.append(end.nanoseconds(since: start))
        bits += Double(message.stats.totalBits)
        distortion += message.stats.distortion
        worst = max(worst, message.stats.distortion)
      }
      let n = Double(vectors.count)
      return Row(
        spec: spec, dimension: dimension, medianEncodeMicroseconds: median(encode),
        medianDecodeMicroseconds: median(decode), medianRoundTripMicroseconds: median(both),
        meanBits: bits / n, meanDistortion: distortion / n, maxDistortion: worst)
    }
  }

  /// Fixed-width text table of `rows`.
  public static func table(_ rows: [Row]) -> String {
    var lines = [
      "codec               d   encode µs  decode µs  enc+dec µs   mean bits  mean distortion"
    ]
    for r in rows {
      let name = r.spec.description.padding(to: 16)
      lines.append(
        "\(name) \(String(r.dimension).leftPadding(to: 5)) \(format(r.medianEncodeMicroseconds, 11)) \(format(r.medianDecodeMicroseconds, 10)) \(format(r.medianRoundTripMicroseconds, 11)) \(format(r.meanBits, 11, digits: 0)) \(scientific(r.meanDistortion).leftPadding(to: 16))"
      )
    }
    return lines.joined(separator: "\n")
  }

  private static func median(_ values: [UInt64]) -> Double {
    let sorted = values.sorted()
    return Double(sorted[sorted.count / 2]) / 1000
  }

  private static func format(_ v: Double, _ width: Int, digits: Int = 1) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (v * scale).rounded() / scale
    var text = digits == 0 ? String(Int(rounded)) : String(rounded)
    if digits > 0, let dot = text.firstIndex(of: "."),
      text.distance(from: dot, to: text.endIndex) - 1 < digits
    {
      text += "0"
    }
    return text.leftPadding(to: width)
  }

  private static func scientific(_ v: Double) -> String {
    if v == 0 { return "0" }
    if !v.isFinite { return String(v) }
    var exponent = 0
    var mantissa = v
    while mantissa >= 10 {
      mantissa /= 10
      exponent += 1
    }
    while mantissa < 1 {
      mantissa *= 10
      exponent -= 1
    }
    return "\((mantissa * 100).rounded() / 100)e\(exponent)"
  }
}

extension String {
  fileprivate func padding(to width: Int) -> String {
    count >= width ? self : self + String(repeating: " ", count: width - count)
  }
  fileprivate func leftPadding(to width: Int) -> String {
    count >= width ? self : String(repeating: " ", count: width - count) + self
  }
}
