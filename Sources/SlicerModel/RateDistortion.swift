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
///
/// The codecs' windows are scored through a `TailTransport` — the in-process `LocalTail`, or a
/// session on `slicer serve` — exactly as `PerplexityEvaluator` scores; only the reference stays
/// here. The reference (the uncompressed model's distributions, against which KL and top-1 are
/// taken) is always computed in this process, at full precision: the client holds the whole
/// model, and a remote reference would reach us in fp16 like the rows it is compared with, so
/// the rounding of both would hide differences below a binary16 step (most of an int8 codec's
/// KL). With a local reference only the compared rows carry the wire's rounding.
///
/// The `none` row goes through the tail like any codec, so its KL is the floor the tail's own
/// rendering of the distributions adds (exactly 0 in-process; ≈ 2.5e-6 nats on the tiny OPT
/// model through fp16, PROTOCOL.md §9). That floor is a bias, not noise — normalizing rounded
/// log-probs adds about half the variance of the rounding — so every other codec's KL has it
/// subtracted position by position, which leaves the remote KL within 1e-4 of the in-process
/// one (relative).
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

  /// The uncompressed model's next-token distribution at each scored position of a window.
  struct Reference {
    /// Normalized log-probabilities, one row per scored position.
    var logProbabilities: [[Double]]
    var argmax: [Int]
  }

  /// One row per codec (the first row is the uncompressed `none` reference, added if absent).
  /// Every codec's windows go through `transport` (in-process when nil), which this switches
  /// codec by codec with `setCodec`. `progress(done, total)` counts (window, codec) passes.
  public func evaluate(
    _ ids: [Int], codecs: [CodecSpec], maxWindows: Int?, transport: (any TailTransport)? = nil,
    progress: (Int, Int) -> Void = { _, _ in }
  ) throws -> [RateDistortionRow] {
    let specs = [CodecSpec.none] + codecs.filter { $0 != .none }
    let windows = PerplexityEvaluator(model: model, split: split, contextLength: contextLength)
      .windows(of: ids, maxWindows: maxWindows)
    var tail: any TailTransport =
      try transport ?? LocalTail(model: model, split: split, codec: .none, sampling: .greedy)
    var tallies = [Tally](repeating: Tally(), count: specs.count)
    let total = windows.count * specs.count
    var done = 0
    for window in windows {
      let tokens = Array(window)
      var head = try SplitHead(model: model, split: split)
      let hidden = try head.forward(tokens)
      let reference = try self.reference(hidden, tokens: tokens)
      var floor: [Double]?  // the none row's KL at each position
      for (index, spec) in specs.enumerated() {
        let (payloads, stats) = LinkEncoder(spec).encode(hidden)
        try tail.setCodec(spec)
        let score = try tail.score(payloads, targets: tokens, distributions: true)
        let kl = try tallies[index].add(score, against: reference, floor: floor)
        if index == 0 { floor = kl }
        tallies[index].bits += stats.reduce(0) { $0 + $1.totalBits }
        tallies[index].distortion += stats.reduce(0) { $0 + $1.distortion }
        tallies[index].sent += stats.count
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

  /// The uncompressed tail on `hidden`, in this process.
  func reference(_ hidden: Matrix, tokens: [Int]) throws -> Reference {
    var fresh = try SplitTail(model: model, split: split)
    let logits = try fresh.forward(hidden, logits: .all)
    let scored = max(tokens.count - 1, 0)
    let rows = (0..<scored).map { Softmax.logProbabilities(logits.row($0)) }
    return Reference(logProbabilities: rows, argmax: rows.map(Self.argmax))
  }

  static func argmax(_ values: [Double]) -> Int {
    var best = 0
    for i in values.indices where values[i] > values[best] { best = i }
    return best
  }
}

extension RateDistortionEvaluator.Tally {
  /// Adds a window scored by a tail: NLL from the target log-probabilities, top-1 from the
  /// tail's argmax, KL(reference ‖ tail) from its distributions, normalized here (a remote
  /// tail's fp16 log-softmax rows do not sum to exactly 1; normalizing cancels the first-order
  /// rounding error, PROTOCOL.md §9) less `floor` at each position. Returns each position's KL
  /// before the floor and the clamp at 0.
  @discardableResult
  mutating func add(
    _ score: TailScore, against reference: RateDistortionEvaluator.Reference, floor: [Double]?
  ) throws -> [Double] {
    let n = reference.argmax.count
    let vocabulary = reference.logProbabilities.first?.count ?? 0
    guard score.logProbabilities.count == n, score.argmax.count == n,
      let rows = score.distributions, rows.rows == n, rows.columns == vocabulary
    else {
      throw EvaluationError.mismatchedScores(
        positions: n, vocabulary: vocabulary, got: score.logProbabilities.count,
        gotRows: score.distributions?.rows, gotColumns: score.distributions?.columns)
    }
    var raw: [Double] = []
    raw.reserveCapacity(n)
    for position in 0..<n {
      nll -= score.logProbabilities[position]
      let p = reference.logProbabilities[position]
      let q = Softmax.logProbabilities(rows.row(position))
      var kl = 0.0
      for v in 0..<vocabulary where p[v] > -50 { kl += exp(p[v]) * (p[v] - q[v]) }
      raw.append(kl)
      let base = floor.map { position < $0.count ? $0[position] : 0 } ?? 0
      self.kl += max(kl - base, 0)
      if score.argmax[position] == reference.argmax[position] { agree += 1 }
      scored += 1
    }
    return raw
  }
}

/// A tail's scores that do not fit the window they were asked for.
public enum EvaluationError: Error, Equatable, CustomStringConvertible {
  case mismatchedScores(
    positions: Int, vocabulary: Int, got: Int, gotRows: Int?, gotColumns: Int?)

  public var description: String {
    switch self {
    case .mismatchedScores(let positions, let vocabulary, let got, let rows, let columns):
      let table = rows.map { "\($0)×\(columns ?? 0) distributions" } ?? "no distributions"
      return "the tail scored \(got) positions with \(table), but the window has \(positions) "
        + "positions over a vocabulary of \(vocabulary); is it running the same model?"
    }
  }
}
