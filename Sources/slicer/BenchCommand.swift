import ArgumentParser
import Foundation
import SlicerCodec
import SlicerModel
import SlicerTensor

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
      (--random opt-125m), stored as --weights (F16 by default, as the real checkpoint), so the \
      figure can be had on any machine.

      Decoding one token reads every weight matrix once, so its speed is bound by memory \
      bandwidth. Besides tokens/s and peak RSS, the report gives the bytes of weights one token \
      reads, the rate at which decoding streamed them, and the machine's read bandwidth \
      measured in the same run by a plain streaming loop (256 MiB, after peak RSS is taken) — \
      the last two side by side show how close decoding runs to the physical limit.
      """)

  @Option(help: "Model directory or .gguf (default: a random model, see --random).")
  var model: String?

  @Option(help: "Shape of the random model when --model is absent.")
  var random: String = "opt-125m"

  @Option(help: "How the random model stores its matrices: F32, F16 or BF16.")
  var weights: String = "F16"

  @Option(help: "Split layer (default: half the depth).")
  var split: Int?

  @Option(name: .customLong("prompt-tokens"), help: "Prompt length for prefill.")
  var promptTokens: Int = 32

  @Option(help: "Tokens to decode per run.")
  var tokens: Int = 64

  @Option(help: "Runs; the median is reported.")
  var runs: Int = 5

  @Option(help: "Threads for the kernels (default: $SLICER_THREADS, else every CPU).")
  var threads: Int?

  @Option(
    help: ArgumentHelp(
      "Also measure what the split costs: decode through this codec at --split, as generate runs it, against the model unsplit, in alternating runs (e.g. fp32).",
      valueName: "codec"),
    transform: { text in try CodecSpec(parsing: text) })
  var codec: CodecSpec?

  @Flag(
    name: .customLong("fp32-activations"),
    help: "Multiply 4-bit weights with fp32 inputs instead of 16-bit integers (slower).")
  var fp32Activations = false

  @Flag(name: .customLong("no-bandwidth"), help: "Skip measuring the machine's read bandwidth.")
  var noBandwidth = false

  @Flag(help: "Print one JSON object.")
  var json = false

  func validate() throws {
    guard promptTokens > 0, tokens > 0, runs > 0 else {
      throw ValidationError("--prompt-tokens, --tokens and --runs must be positive")
    }
    guard ["F32", "F16", "BF16"].contains(weights.uppercased()) else {
      throw ValidationError("--weights must be F32, F16 or BF16, not '\(weights)'")
    }
    if let threads, !(1...8).contains(threads) {
      throw ValidationError("--threads must be between 1 and 8")
    }
  }

  func run() throws {
    if let threads { Kernels.threadCount = threads }
    if fp32Activations { Kernels.quantizedActivations = false }
    let decoder: any DecoderModel
    var weightFileBytes: Int?
    if let model {
      let loaded = try ModelOptions.parse(["--model", model]).load()
      decoder = loaded.model
      weightFileBytes = Self.weightFileBytes(loaded.path)
    } else {
      guard random == "opt-125m" else { throw CLIError("--random knows only opt-125m") }
      let config = OPTConfig.opt125m
      let format = WeightFormat(rawValue: weights.uppercased()) ?? .f16
      decoder = try OPTModel(
        config: config,
        weights: RandomWeights(shapes: config.tensorShapes, matrixFormat: format),
        name: "random-opt-125m-\(format.rawValue.lowercased())")
    }
    let info = decoder.info
    let s = split ?? info.layerCount / 2
    guard (0...info.layerCount).contains(s) else {
      throw CLIError("--split \(s) is outside 0…\(info.layerCount)")
    }
    guard promptTokens + tokens <= info.contextLength else {
      throw CLIError("--prompt-tokens + --tokens exceeds the context of \(info.contextLength)")
    }
    var generator = SlicerModel.SplitMix64(seed: 7)
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
    let splitCost = try codec.map {
      try SplitCost.measure(
        model: decoder, split: s, codec: $0, prompt: prompt, tokens: tokens, runs: runs)
    }
    // Peak RSS before the bandwidth probe allocates its buffer.
    let peakRSS = Double(PeakMemory.residentBytes) / 1_048_576
    let footprint = (decoder as? any WeightFootprintReporting)?.weightFootprint
    let decodeRate = decodeRates.median
    let threadCount = Kernels.threadCount
    let poolCalls = Kernels.poolCalls
    let bandwidth = noBandwidth ? nil : (
      one: Kernels.measureReadBandwidth(threads: 1) / 1e9,
      all: Kernels.measureReadBandwidth(threads: threadCount) / 1e9)
    let result = DecodeBenchResult(
      model: info.name, split: s, promptTokens: promptTokens, decodeTokens: tokens, runs: runs,
      threads: threadCount,
      splitCallShare: Double(poolCalls.split) / Double(max(poolCalls.split + poolCalls.alone, 1)),
      instructionSet: Kernels.instructionSet,
      activations: Kernels.quantizedActivations ? "int16" : "fp32",
      prefillTokensPerSecond: prefillRates.median, decodeTokensPerSecond: decodeRate,
      decodeRuns: decodeRates, peakRSSMiB: peakRSS, weightFileBytes: weightFileBytes,
      weightBytesStored: footprint?.stored, weightBytesPerToken: footprint?.perToken,
      clientWeightBytesPerToken: footprint?.perToken(split: s).client,
      weightStreamGBps: footprint.map { Double($0.perToken) * decodeRate / 1e9 },
      readBandwidthGBps1Thread: bandwidth?.one, readBandwidthGBps: bandwidth?.all,
      splitCost: splitCost)
    if json {
      print(try JSONOutput.string(result))
    } else {
      print(result.report)
    }
  }

  /// The size on disk of the checkpoint a model was loaded from: the `.gguf` itself, or the
  /// weights file of a model directory (the one `Checkpoints.open` reads: safetensors first);
  /// nil when unknown.
  static func weightFileBytes(_ path: String) -> Int? {
    func size(_ path: String) -> Int? {
      (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
    guard isDirectory.boolValue else { return size(path) }
    let directory = URL(fileURLWithPath: path)
    return ["model.safetensors", "pytorch_model.bin"].lazy.compactMap {
      size(directory.appendingPathComponent($0).path)
    }.first
  }
}

struct DecodeBenchResult: Encodable {
  var model: String
  var split: Int
  var promptTokens: Int
  var decodeTokens: Int
  var runs: Int
  var threads: Int
  /// The share of kernel calls the pool split across `threads` threads (the rest ran on one
  /// thread because that measured faster: other processes were using the CPUs).
  var splitCallShare: Double
  var instructionSet: String
  /// "int16" when 4-bit weights meet 16-bit integer inputs (Kernels.quantizedActivations),
  /// "fp32" otherwise.
  var activations: String
  var prefillTokensPerSecond: Double
  var decodeTokensPerSecond: Double
  /// Every run's decode rate, in run order.
  var decodeRuns: [Double]
  /// The process's peak resident set (ru_maxrss), taken before the bandwidth probe.
  var peakRSSMiB: Double
  /// Size on disk of the checkpoint file (nil for the random model); the memory target is
  /// peak RSS ≤ 1.3× this.
  var weightFileBytes: Int?
  /// Bytes of weights the model holds; nil for a model that cannot say.
  var weightBytesStored: Int?
  /// Bytes of weights one decoded token reads (every matrix once, one embedding row).
  var weightBytesPerToken: Int?
  /// The client's (head's) share of `weightBytesPerToken`.
  var clientWeightBytesPerToken: Int?
  /// `weightBytesPerToken × decode tokens/s`.
  var weightStreamGBps: Double?
  var readBandwidthGBps1Thread: Double?
  /// With `threads` threads, as decoding runs.
  var readBandwidthGBps: Double?
  /// With --codec: the split's cost.
  var splitCost: SplitCost?

  enum CodingKeys: String, CodingKey {
    case model, split, runs, threads, activations
    case splitCallShare = "split_call_share"
    case promptTokens = "prompt_tokens"
    case decodeTokens = "decode_tokens"
    case instructionSet = "instruction_set"
    case prefillTokensPerSecond = "prefill_tokens_per_second"
    case decodeTokensPerSecond = "decode_tokens_per_second"
    case decodeRuns = "decode_tokens_per_second_runs"
    case peakRSSMiB = "peak_rss_mib"
    case weightFileBytes = "weight_file_bytes"
    case weightBytesStored = "weight_bytes_stored"
    case weightBytesPerToken = "weight_bytes_per_token"
    case clientWeightBytesPerToken = "client_weight_bytes_per_token"
    case weightStreamGBps = "weight_stream_gb_per_s"
    case readBandwidthGBps1Thread = "read_bandwidth_gb_per_s_1_thread"
    case readBandwidthGBps = "read_bandwidth_gb_per_s"
    case splitCost = "split_cost"
  }

  /// The human-readable table.
  var report: String {
    var lines = [
      "model \(model), split \(split), \(runs) runs (median), \(instructionSet), \(threads) threads"
        + String(format: " (%.0f%% of kernel calls split across them), ", 100 * splitCallShare)
        + "\(activations) activations for 4-bit weights",
      String(format: "prefill  %8.1f tok/s  (%d-token prompt)", prefillTokensPerSecond, promptTokens),
      String(
        format: "decode   %8.1f tok/s  (%d tokens; runs %@)", decodeTokensPerSecond, decodeTokens,
        decodeRuns.map { String(format: "%.1f", $0) }.joined(separator: " ")),
      String(format: "peak RSS %8.1f MiB", peakRSSMiB)
        + (weightFileBytes.map {
          String(
            format: "  (%.2f× the checkpoint's %.1f MiB on disk)",
            peakRSSMiB * 1_048_576 / Double(max($0, 1)), Double($0) / 1_048_576)
        } ?? ""),
    ]
    if let stored = weightBytesStored, let perToken = weightBytesPerToken {
      lines.append(
        String(
          format: "weights  %8.1f MB held, %.1f MB read per token (client %.1f MB)",
          Double(stored) / 1e6, Double(perToken) / 1e6,
          Double(clientWeightBytesPerToken ?? 0) / 1e6))
      lines.append(String(format: "stream   %8.2f GB/s of weights while decoding", weightStreamGBps ?? 0))
    }
    if let one = readBandwidthGBps1Thread, let all = readBandwidthGBps {
      var line = String(format: "machine  %8.2f GB/s read, 1 thread; %.2f GB/s, %d threads", one, all, threads)
      if let stream = weightStreamGBps, all > 0 {
        line += String(format: "  → decode at %.0f%% of it", 100 * stream / max(one, all))
      }
      lines.append(line)
      if let perToken = weightBytesPerToken, perToken > 0 {
        lines.append(
          String(
            format: "limit    %8.1f tok/s at that bandwidth",
            max(one, all) * 1e9 / Double(perToken)))
      }
    }
    if let splitCost { lines.append(splitCost.report) }
    return lines.joined(separator: "\n")
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
