import ArgumentParser
import Foundation
import SlicerCodec
import SlicerModel
import SlicerTokenizer

/// `slicer bench codec`: encode and decode times of SLICER and the baselines on the same
/// vectors, side by side, with the bits they spent.
struct BenchCodecCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "codec",
    abstract: "Encode and decode time per vector of slicer:BUDGET and the baselines.",
    discussion: """
      Every codec encodes and decodes the same vectors, interleaved, each call timed on its own; \
      the table shows the 10th percentile, the median and the 90th percentile in µs. Kinds: \
      gaussian, heavy (Student-t, 3 d.o.f.), massive (Gaussian plus 1–4 channels at 100–1000× the \
      median), residual (LLM-residual-shaped), uniform, and real: hidden states of a model at \
      its split, over the first tokens of --text (needs a model; --width is then the model's).
      Example: slicer bench codec --width 768 --budget 1e-3 --kind massive --iterations 2000
      """)

  @Option(help: "Vector width (synthetic kinds).")
  var width = 768

  @Option(help: "Distortion budget of the slicer codec.")
  var budget = 1e-3

  @Option(help: "gaussian, heavy, massive, residual, uniform or real.")
  var kind = "massive"

  @Option(help: "Vectors to time.")
  var iterations = 1000

  @Option(
    help:
      "More codecs to time alongside slicer:BUDGET: comma-separated codec strings (e.g. fp16,int8,slicer:0.25:m=mse)."
  )
  var baselines = "fp16,int8,topk:0.25:4"

  @Option(help: "Model for --kind real (default: as for generate).")
  var model: String?

  @Option(help: "Split layer for --kind real (default: half the depth).")
  var split: Int?

  @Option(help: "Text for --kind real.")
  var text = "Tests/Fixtures/wikitext-2-raw/wiki.test.raw"

  @Flag(help: "Print one JSON object.")
  var json = false

  func validate() throws {
    guard iterations > 0 else { throw ValidationError("--iterations must be positive") }
    guard (1...CodecLimits.maxDimension).contains(width) else {
      throw ValidationError("--width must be in 1…\(CodecLimits.maxDimension)")
    }
    guard budget.isFinite, budget >= 0 else {
      throw ValidationError("--budget must be a finite number ≥ 0, e.g. 1e-3")
    }
    guard kind == "real" || Self.syntheticKinds[kind] != nil else {
      throw ValidationError(
        "--kind '\(kind)' is not one of gaussian, heavy, massive, residual, uniform, real")
    }
  }

  static let syntheticKinds: [String: SyntheticFeatures.Kind] = [
    "gaussian": .gaussian, "heavy": .heavyTailed, "massive": .massive, "residual": .residual,
    "uniform": .uniform,
  ]

  func run() throws {
    var specs = [CodecSpec.slicer(budget: budget)]
    do {
      specs += try baselines.split(separator: ",").map { try CodecSpec(parsing: String($0)) }
    } catch {
      throw CLIError("--baselines: \(error)")
    }
    let vectors: [[Float]]
    if let synthetic = Self.syntheticKinds[kind] {
      var rng = SlicerCodec.SplitMix64(seed: 1)
      vectors = (0..<iterations).map { _ in
        SyntheticFeatures.vector(synthetic, dimension: width, rng: &rng)
      }
    } else {
      vectors = try realVectors()
    }
    let rows = CodecBenchmark.run(vectors: vectors, specs: specs)
    let result = CodecBenchResult(kind: kind, vectors: vectors.count, rows: rows)
    if json {
      print(try JSONOutput.string(result))
    } else {
      print(Self.table(rows, kind: kind, vectors: vectors.count))
    }
  }

  /// Hidden states at the split for the first `iterations` tokens of `text`, in windows of up
  /// to 512 tokens (each window starts a fresh cache, as the eval does).
  private func realVectors() throws -> [[Float]] {
    var arguments = model.map { ["--model", $0] } ?? []
    if let split { arguments += ["--split", String(split)] }
    let options = try ModelOptions.parse(arguments)
    let loaded = try options.load()
    let s = try options.resolvedSplit(for: loaded.info)
    guard let raw = try? String(contentsOfFile: text, encoding: .utf8) else {
      throw CLIError("cannot read '\(text)' as UTF-8 text (pass --text FILE)")
    }
    let ids = loaded.encode(WikiText.joinRows(raw))
    let window = min(512, loaded.info.contextLength)
    var vectors: [[Float]] = []
    var start = 0
    while vectors.count < iterations && start < ids.count {
      let end = min(ids.count, start + min(window, iterations - vectors.count))
      var head = try SplitHead(model: loaded.model, split: s)
      let h = try head.forward(Array(ids[start..<end]))
      for r in 0..<h.rows { vectors.append(h.row(r)) }
      start = end
    }
    guard !vectors.isEmpty else { throw CLIError("'\(text)' has no tokens") }
    return vectors
  }

  /// One line per codec: p10 / median / p90 of encode, decode and encode + decode, in µs.
  static func table(_ rows: [CodecBenchmark.Row], kind: String, vectors: Int) -> String {
    func cell(_ p10: Double, _ median: Double, _ p90: Double) -> String {
      String(format: "%7.1f %7.1f %7.1f", p10, median, p90)
    }
    var lines = [
      "\(vectors) \(kind) vectors, d = \(rows.first?.dimension ?? 0); times in µs (p10 median p90)",
      "codec             encode                  decode                  encode+decode           mean bits  mean distortion",
    ]
    for r in rows {
      let name = r.spec.description
      lines.append(
        name.padding(toLength: max(16, name.count), withPad: " ", startingAt: 0) + " "
          + cell(r.encodeSpread.p10, r.medianEncodeMicroseconds, r.encodeSpread.p90) + " "
          + cell(r.decodeSpread.p10, r.medianDecodeMicroseconds, r.decodeSpread.p90) + " "
          + cell(r.roundTripSpread.p10, r.medianRoundTripMicroseconds, r.roundTripSpread.p90)
          + String(format: " %11.0f  %15.3e", r.meanBits, r.meanDistortion))
    }
    return lines.joined(separator: "\n")
  }
}

/// `slicer bench codec --json`.
struct CodecBenchResult: Encodable {
  var kind: String
  var vectors: Int
  var rows: [CodecBenchmark.Row]

  enum CodingKeys: String, CodingKey { case kind, vectors, rows }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(kind, forKey: .kind)
    try container.encode(vectors, forKey: .vectors)
    try container.encode(rows.map(Entry.init), forKey: .rows)
  }

  struct Entry: Encodable {
    var codec: String
    var dimension: Int
    var encode: [Double]
    var decode: [Double]
    var encodeDecode: [Double]
    var meanBits: Double
    var meanDistortion: Double
    var maxDistortion: Double

    init(_ r: CodecBenchmark.Row) {
      codec = r.spec.description
      dimension = r.dimension
      encode = [r.encodeSpread.p10, r.medianEncodeMicroseconds, r.encodeSpread.p90]
      decode = [r.decodeSpread.p10, r.medianDecodeMicroseconds, r.decodeSpread.p90]
      encodeDecode = [
        r.roundTripSpread.p10, r.medianRoundTripMicroseconds, r.roundTripSpread.p90,
      ]
      meanBits = r.meanBits
      meanDistortion = r.meanDistortion
      maxDistortion = r.maxDistortion
    }

    enum CodingKeys: String, CodingKey {
      case codec, dimension
      case encode = "encode_us_p10_median_p90"
      case decode = "decode_us_p10_median_p90"
      case encodeDecode = "encode_decode_us_p10_median_p90"
      case meanBits = "mean_bits"
      case meanDistortion = "mean_distortion"
      case maxDistortion = "max_distortion"
    }
  }
}
