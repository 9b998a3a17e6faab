import ArgumentParser
import Foundation
import SlicerModel

struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench", abstract: "Measure speed and memory.",
    subcommands: [BenchDecodeCommand.self, BenchServerCommand.self, BenchCodecCommand.self])
}

struct BenchDecodeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "decode",
    abstract: "Prefill and decode speed, and peak memory, of split generation.",
    discussion: """
      Without --model, uses a model of facebook/opt-125m's shape with random weights \
      (--random opt-125m), so the figure can be had on any machine.
      """)

  @Option(help: "Model directory or .gguf (default: a random model, see --random).")
  var model: String?

  @Option(help: "Shape of the random model when --model is absent.")
  var random: String = "opt-125m"

  @Option(help: "Split layer (default: half the depth).")
  var split: Int?

  @Option(name: .customLong("prompt-tokens"), help: "Prompt length for prefill.")
  var promptTokens: Int = 32

  @Option(help: "Tokens to decode per run.")
  var tokens: Int = 64

  @Option(help: "Runs; the median is reported.")
  var runs: Int = 5

  @Flag(help: "Print one JSON object.")
  var json = false

  func validate() throws {
    guard promptTokens > 0, tokens > 0, runs > 0 else {
      throw ValidationError("--prompt-tokens, --tokens and --runs must be positive")
    }
  }

  func run() throws {
    let decoder: any DecoderModel
    if let model {
      decoder = try ModelOptions.parse(["--model", model]).load().model
    } else {
      guard random == "opt-125m" else { throw CLIError("--random knows only opt-125m") }
      let config = OPTConfig.opt125m
      decoder = try OPTModel(
        config: config, weights: RandomWeights(shapes: config.tensorShapes), name: "random-opt-125m")
    }
    let info = decoder.info
    let s = split ?? info.layerCount / 2
    guard (0...info.layerCount).contains(s) else {
      throw CLIError("--split \(s) is outside 0…\(info.layerCount)")
    }
    guard promptTokens + tokens <= info.contextLength else {
      throw CLIError("--prompt-tokens + --tokens exceeds the context of \(info.contextLength)")
    }
    var generator = SplitMix64(seed: 7)
    let prompt = (0..<promptTokens).map { _ in Int(generator.next() % UInt64(info.vocabularySize)) }
    var prefillRates: [Double] = []
    var decodeRates: [Double] = []
    for _ in 0..<runs {
      var head = try SplitHead(model: decoder, split: s)
      var tail = try SplitTail(model: decoder, split: s)
      let t0 = ContinuousClock.now
      var logits = try tail.forward(try head.forward(prompt), logits: .last)
      let t1 = ContinuousClock.now
      for _ in 0..<tokens {
        let next = Sampler.argmax(logits.values)
        logits = try tail.forward(try head.forward([next]), logits: .last)
      }
      let t2 = ContinuousClock.now
      prefillRates.append(Double(promptTokens) / (t1 - t0).seconds)
      decodeRates.append(Double(tokens) / (t2 - t1).seconds)
    }
    let result = DecodeBenchResult(
      model: info.name, split: s, promptTokens: promptTokens, decodeTokens: tokens, runs: runs,
      prefillTokensPerSecond: prefillRates.median, decodeTokensPerSecond: decodeRates.median,
      peakRSSMiB: Double(PeakMemory.residentBytes) / 1_048_576)
    if json {
      print(try JSONOutput.string(result))
    } else {
      print("model \(info.name), split \(s)/\(info.layerCount), \(runs) runs (median)")
      print(String(format: "prefill  %8.1f tok/s  (%d-token prompt)", result.prefillTokensPerSecond, promptTokens))
      print(String(format: "decode   %8.1f tok/s  (%d tokens)", result.decodeTokensPerSecond, tokens))
      print(String(format: "peak RSS %8.1f MiB", result.peakRSSMiB))
    }
  }
}

struct DecodeBenchResult: Encodable {
  var model: String
  var split: Int
  var promptTokens: Int
  var decodeTokens: Int
  var runs: Int
  var prefillTokensPerSecond: Double
  var decodeTokensPerSecond: Double
  var peakRSSMiB: Double

  enum CodingKeys: String, CodingKey {
    case model, split, runs
    case promptTokens = "prompt_tokens"
    case decodeTokens = "decode_tokens"
    case prefillTokensPerSecond = "prefill_tokens_per_second"
    case decodeTokensPerSecond = "decode_tokens_per_second"
    case peakRSSMiB = "peak_rss_mib"
  }
}

extension Array where Element == Double {
  var median: Double {
    guard !isEmpty else { return .nan }
    let s = sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
  }
}

/// The process's peak resident set size.
enum PeakMemory {
  static var residentBytes: Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024  // Linux reports KiB
  }
}
