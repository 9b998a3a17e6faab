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
    /// 10th and 90th percentiles of the per-vector times (µs), in the same order: encode,
    /// decode, encode + decode.
    public var encodeSpread = Spread()
    public var decodeSpread = Spread()
    public var roundTripSpread = Spread()
  }

  /// The 10th and 90th percentile of a set of times, µs.
  public struct Spread: Sendable, Equatable {
    public var p10 = 0.0
    public var p90 = 0.0
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
    return run(vectors: vectors, specs: specs)
  }

  /// Runs the given vectors (at least one, all of one width) through each spec. Specs are
  /// interleaved per vector (every spec encodes vector i before any encodes vector i + 1), so
  /// a burst of load from elsewhere on the machine hits all of them alike.
  public static func run(vectors: [[Float]], specs: [CodecSpec]) -> [Row] {
    precondition(!vectors.isEmpty, "benchmark needs at least one vector")
    let dimension = vectors[0].count
    precondition(vectors.allSatisfy { $0.count == dimension }, "vectors differ in width")
    let clock = ContinuousClock()
    let codecs = specs.map { $0.makeCodec() }
    for codec in codecs { _ = codec.encode(vectors[0]) }  // warm up
    var encode = [[UInt64]](repeating: [], count: specs.count)
    var decode = encode
    var both = encode
    var bits = [Double](repeating: 0, count: specs.count)
    var distortion = bits
    var worst = bits
    for x in vectors {
      for (c, codec) in codecs.enumerated() {
        let start = clock.now
        let message = codec.encode(x)
        let encoded = clock.now
        let decoded = try? codec.decode(message.bytes, dimension: dimension)
        let end = clock.now
        precondition(decoded != nil, "\(specs[c]) failed to decode its own message")
        encode[c].append(encoded.nanoseconds(since: start))
        decode[c].append(end.nanoseconds(since: encoded))
        both[c].append(end.nanoseconds(since: start))
        bits[c] += Double(message.stats.totalBits)
        distortion[c] += message.stats.distortion
        worst[c] = max(worst[c], message.stats.distortion)
      }
    }
    let n = Double(vectors.count)
    return specs.indices.map { c in
      Row(
        spec: specs[c], dimension: dimension,
        medianEncodeMicroseconds: percentile(encode[c], 0.5),
        medianDecodeMicroseconds: percentile(decode[c], 0.5),
        medianRoundTripMicroseconds: percentile(both[c], 0.5),
        meanBits: bits[c] / n, meanDistortion: distortion[c] / n, maxDistortion: worst[c],
        encodeSpread: spread(encode[c]), decodeSpread: spread(decode[c]),
        roundTripSpread: spread(both[c]))
    }
  }

  private static func spread(_ values: [UInt64]) -> Spread {
    Spread(p10: percentile(values, 0.1), p90: percentile(values, 0.9))
  }

  /// The value at rank ⌊q·n⌋ of the sorted values (the upper median for q = ½), in µs.
  private static func percentile(_ values: [UInt64], _ q: Double) -> Double {
    let sorted = values.sorted()
    return Double(sorted[min(sorted.count - 1, Int(q * Double(sorted.count)))]) / 1000
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
