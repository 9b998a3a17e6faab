import Foundation
import SlicerTensor

/// Perplexity by the standard recipe: non-overlapping windows of `contextLength` tokens (the
/// remainder that does not fill a window is dropped, unless the text is shorter than one window),
/// each scored from scratch, mean NLL over positions 1… of every window.
public struct PerplexityEvaluator {
  public var model: any DecoderModel
  public var split: Int
  public var contextLength: Int

  public struct Result: Sendable, Equatable {
    public var perplexity: Double
    public var meanNLL: Double
    /// Positions scored.
    public var tokens: Int
    public var windows: Int
  }

  public init(model: any DecoderModel, split: Int, contextLength: Int) {
    self.model = model
    self.split = split
    self.contextLength = contextLength
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

  /// Scores `ids`; `transmit` carries each window's hidden states across the split (identity for
  /// an uncompressed link); `progress(done, total)` after each window.
  public func evaluate(
    _ ids: [Int], maxWindows: Int? = nil,
    transmit: (Matrix) throws -> Matrix = { $0 },
    progress: (Int, Int) -> Void = { _, _ in }
  ) throws -> Result {
    let chunks = windows(of: ids, maxWindows: maxWindows)
    var totalNLL = 0.0
    var scored = 0
    for (index, window) in chunks.enumerated() {
      let tokens = Array(window)
      var head = try SplitHead(model: model, split: split)
      var tail = try SplitTail(model: model, split: split)
      let hidden = try transmit(try head.forward(tokens))
      let logits = try tail.forward(hidden)
      totalNLL += Self.negativeLogLikelihoods(logits: logits, targets: tokens).reduce(0, +)
      scored += tokens.count - 1
      progress(index + 1, chunks.count)
    }
    let mean = scored > 0 ? totalNLL / Double(scored) : .nan
    return Result(perplexity: exp(mean), meanNLL: mean, tokens: scored, windows: chunks.count)
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
