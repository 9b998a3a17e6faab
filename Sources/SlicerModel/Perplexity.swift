import Foundation
import SlicerCodec
import SlicerTensor

/// Perplexity by the standard recipe: non-overlapping windows of `contextLength` tokens (the
/// remainder that does not fill a window is dropped, unless the text is shorter than one window),
/// each scored from scratch, mean NLL over positions 1… of every window.
///
/// Every window's hidden states cross the split through `codec` and `transport`, so the figure
/// includes the compression, as the tail really sees it.
public struct PerplexityEvaluator {
  public var model: any DecoderModel
  public var split: Int
  public var contextLength: Int
  public var codec: CodecSpec

  public struct Result: Sendable, Equatable {
    public var perplexity: Double
    public var meanNLL: Double
    /// Positions scored.
    public var tokens: Int
    public var windows: Int
    /// Mean codec bits per position sent (all parts).
    public var bitsPerToken: Double
    /// Mean achieved distortion per position.
    public var distortion: Double
  }

  public init(model: any DecoderModel, split: Int, contextLength: Int, codec: CodecSpec = .none) {
    self.model = model
    self.split = split
    self.contextLength = contextLength
    self.codec = codec
  }

  /// The windows `ids` is cut into, at most `maxWindows` of them.
  public func windows(of ids: [Int], maxWindows: Int?) -> [ArraySlice<Int>] {
    guard ids.count >= 2 else { return [] }
    let full = ids.count / contextLength
    var result: [ArraySlice<Int>] =
      full == 0
      ? [ids[...]]
      : (0..<full).map { ids[($0 * contextLength)..<(($0 + 1) * contextLength)] }
    if let maxWindows, maxWindows < result.count { result.removeSubrange(maxWindows...) }
    return result
  }

  /// Scores `ids` through `transport` (in-process when nil); `progress(done, total)` after each
  /// window.
  public func evaluate(
    _ ids: [Int], maxWindows: Int? = nil, transport: (any TailTransport)? = nil,
    progress: (Int, Int) -> Void = { _, _ in }
  ) throws -> Result {
    var tail: any TailTransport =
      try transport ?? LocalTail(model: model, split: split, codec: codec, sampling: .greedy)
    let chunks = windows(of: ids, maxWindows: maxWindows)
    var totalNLL = 0.0
    var scored = 0
    var bits = 0
    var distortion = 0.0
    var sent = 0
    let encoder = LinkEncoder(codec)
    for (index, window) in chunks.enumerated() {
      let tokens = Array(window)
      var head = try SplitHead(model: model, split: split)
      let (payloads, stats) = encoder.encode(try head.forward(tokens))
      let score = try tail.score(payloads, targets: tokens)
      totalNLL -= score.logProbabilities.reduce(0, +)
      scored += score.logProbabilities.count
      bits += stats.reduce(0) { $0 + $1.totalBits }
      distortion += stats.reduce(0) { $0 + $1.distortion }
      sent += stats.count
      progress(index + 1, chunks.count)
    }
    let mean = scored > 0 ? totalNLL / Double(scored) : .nan
    return Result(
      perplexity: exp(mean), meanNLL: mean, tokens: scored, windows: chunks.count,
      bitsPerToken: sent > 0 ? Double(bits) / Double(sent) : 0,
      distortion: sent > 0 ? distortion / Double(sent) : 0)
  }

  /// `-log p(targets[i] | …)` from row `i-1` of `logits`, for i in 1..<targets.count.
  public static func negativeLogLikelihoods(logits: Matrix, targets: [Int]) -> [Double] {
    let v = logits.columns
    return logits.values.withUnsafeBufferPointer { all in
      (1..<targets.count).map { i in
        let row = UnsafeBufferPointer(rebasing: all[((i - 1) * v)..<(i * v)])
        return Softmax.logSumExp(row) - Double(row[targets[i]])
      }
    }
  }
}
