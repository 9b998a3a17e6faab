import Foundation
import SlicerCodec
import SlicerModel

/// What the split itself costs: decode speed through the whole link as `slicer generate` runs
/// it (head → codec bytes → in-process tail → sampler) against the same model in one piece
/// (split at the last layer, no codec), the two measured in alternating runs so that a machine
/// whose speed drifts affects both alike.
struct SplitCost: Encodable {
  var codec: String
  var split: Int
  var splitTokensPerSecond: Double
  var unsplitTokensPerSecond: Double
  var splitRuns: [Double]
  var unsplitRuns: [Double]
  /// Split speed over unsplit speed (1 = free).
  var ratio: Double

  enum CodingKeys: String, CodingKey {
    case codec, split, ratio
    case splitTokensPerSecond = "split_tokens_per_second"
    case unsplitTokensPerSecond = "unsplit_tokens_per_second"
    case splitRuns = "split_runs"
    case unsplitRuns = "unsplit_runs"
  }

  static func measure(
    model: any DecoderModel, split: Int, codec: CodecSpec, prompt: [Int], tokens: Int, runs: Int
  ) throws -> SplitCost {
    var splitRuns: [Double] = []
    var unsplitRuns: [Double] = []
    for _ in 0..<runs {
      unsplitRuns.append(
        try decodeRate(model: model, split: model.info.layerCount, codec: .none, prompt: prompt, tokens: tokens))
      splitRuns.append(try decodeRate(model: model, split: split, codec: codec, prompt: prompt, tokens: tokens))
    }
    return SplitCost(
      codec: codec.description, split: split, splitTokensPerSecond: splitRuns.median,
      unsplitTokensPerSecond: unsplitRuns.median, splitRuns: splitRuns, unsplitRuns: unsplitRuns,
      ratio: splitRuns.median / unsplitRuns.median)
  }

  /// Greedy decode tokens/s after the prompt, through `Generator` (the prefill step excluded).
  private static func decodeRate(
    model: any DecoderModel, split: Int, codec: CodecSpec, prompt: [Int], tokens: Int
  ) throws -> Double {
    var generator = try Generator(model: model, split: split, codec: codec)
    var start: ContinuousClock.Instant?
    var decoded = 0
    _ = try generator.generate(prompt: prompt, maxTokens: tokens + 1, stopTokens: []) { _ in
      if start == nil { start = .now } else { decoded += 1 }
      return true
    }
    guard let start, decoded > 0 else { return .nan }
    return Double(decoded) / (ContinuousClock.now - start).seconds
  }

  var report: String {
    String(
      format: "split    %8.1f tok/s at split %d with codec %@, %.1f tok/s unsplit: ratio %.3f (runs alternate)",
      splitTokensPerSecond, split, codec, unsplitTokensPerSecond, ratio)
  }
}
