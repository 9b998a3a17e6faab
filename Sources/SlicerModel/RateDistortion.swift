import Foundation
import SlicerCodec
import SlicerTensor

/// One codec setting's cost and quality at one split, against the uncompressed model.
public struct RateDistortionRow: Sendable, Codable, Equatable {
  public var codec: String
  public var split: Int
  /// Mean codec bits per token, every part counted (0 for `none`, which sends nothing encoded).
  public var bitsPerToken: Double
  /// fp16's bits per token over this codec's (how many times smaller than fp16).
  public var ratioVsFP16: Double
  public var perplexity: Double
  /// Perplexity change vs the uncompressed split, in percent.
  public var deltaPerplexityPercent: Double
  /// Fraction of positions whose most likely next token equals the uncompressed model's.
  public var top1Agreement: Double
  /// Mean KL(uncompressed ‖ compressed) of the next-token distributions, nats per token.
  public var kl: Double
  /// Mean achieved relative squared error of the hidden states.
  public var distortion: Double
  public var tokens: Int

  /// ≤ 1 % perplexity rise and ≤ 0.01 nats/token KL.
  public var isQualityNeutral: Bool { deltaPerplexityPercent <= 1 && kl <= 0.01 }

  enum CodingKeys: String, CodingKey {
    case codec, split, perplexity, kl, distortion, tokens
    case bitsPerToken = "bits_per_token"
    case ratioVsFP16 = "ratio_vs_fp16"
    case deltaPerplexityPercent = "delta_ppl_pct"
    case top1Agreement = "top1_agreement"
  }
}

/// Rate–distortion evaluation: every codec on the same windows of a text, at one split, each
/// compared with the uncompressed model position by position.
public struct RateDistortionEvaluator {
  public var model: any DecoderModel
  public var split: Int
  public var contextLength: Int

  public init(model: any DecoderModel, split: Int, contextLength: Int) {
    self.model = model
    self.split = split
    self.contextLength = contextLength
  }

  /// Accumulates one codec's figures over windows.
  struct Tally {
    var nll = 0.0
    var kl = 0.0
    var agree = 0
    var scored = 0
    var bits = 0
    var distortion = 0.0
    var sent = 0
  }

  /// One row per codec (the first row is the uncompressed `none` reference, added if absent).
  /// `progress(done, total)` counts (window, codec) passes.
  public func evaluate(
    _ ids: [Int], codecs: [CodecSpec], maxWindows: Int?, progress: (Int, Int) -> Void = { _, _ in }
  ) throws -> [RateDistortionRow] {
    let specs = [CodecSpec.none] + codecs.filter { $0 != .none }
    let windows = PerplexityEvaluator(model: model, split: split, contextLength: contextLength)
      .windows(of: ids, maxWindows: maxWindows)
    var tallies = [Tally](repeating: Tally(), count: specs.count)
    let total = windows.count * specs.count
    var done = 0
    for window in windows {
      let tokens = Array(window)
      var head = try SplitHead(model: model, split: split)
      let hidden = try head.forward(tokens)
      var reference: [[Double]] = []  // log-probabilities of the uncompressed tail, per position
      for (index, spec) in specs.enumerated() {
        let (payloads, stats) = LinkEncoder(spec).encode(hidden)
        let tail = try LocalTail(model: model, split: split, codec: spec, sampling: .greedy)
        var fresh = try SplitTail(model: model, split: split)
        let logits = try fresh.forward(try tail.decode(payloads), logits: .all)
        var tally = tallies[index]
        for position in 0..<(tokens.count - 1) {
          let logProbabilities = Softmax.logProbabilities(logits.row(position))
          tally.nll -= logProbabilities[tokens[position + 1]]
          if index == 0 {
            reference.append(logProbabilities)
            tally.agree += 1
          } else {
            let p = reference[position]
            var kl = 0.0
            for v in 0..<p.count where p[v] > -50 { kl += exp(p[v]) * (p[v] - logProbabilities[v]) }
            tally.kl += max(kl, 0)
            if Self.argmax(p) == Self.argmax(logProbabilities) { tally.agree += 1 }
          }
          tally.scored += 1
        }
        tally.bits += stats.reduce(0) { $0 + $1.totalBits }
        tally.distortion += stats.reduce(0) { $0 + $1.distortion }
        tally.sent += stats.count
        tallies[index] = tally
        done += 1
        progress(done, total)
      }
    }
    let d = Double(model.info.hiddenSize)
    let basePerplexity = exp(tallies[0].nll / Double(max(tallies[0].scored, 1)))
    return zip(specs, tallies).map { spec, t in
      let n = Double(max(t.scored, 1))
      let bits = spec == .none ? 0 : Double(t.bits) / Double(max(t.sent, 1))
      let perplexity = exp(t.nll / n)
      return RateDistortionRow(
        codec: spec.description, split: split, bitsPerToken: bits,
        ratioVsFP16: bits > 0 ? 16 * d / bits : 0, perplexity: perplexity,
        deltaPerplexityPercent: (perplexity / basePerplexity - 1) * 100,
        top1Agreement: Double(t.agree) / n, kl: t.kl / n,
        distortion: spec == .none ? 0 : t.distortion / Double(max(t.sent, 1)), tokens: t.scored)
    }
  }

  static func argmax(_ values: [Double]) -> Int {
    var best = 0
    for i in values.indices where values[i] > values[best] { best = i }
    return best
  }
}
