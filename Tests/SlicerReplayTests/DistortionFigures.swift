import Foundation

/// The distortion figures of a transcript's `- link:` and `- totals:` lines, taken out so two
/// transcripts can be compared exactly everywhere else and within a tolerance there.
///
/// Why a tolerance: moving the tail (`/server`) rebuilds the head's KV cache by replaying the
/// conversation as one batched prefill, and the batched kernels round differently from the
/// one-row path that built it token by token. The head's later hidden states then differ in
/// their last bits (≈ 1e-7 relative), the codec measures distortions that differ in the 6th–7th
/// digit, and a mean printed to 4 digits can land on either side of a rounding boundary
/// (9.367e-04 vs 9.368e-04). Tokens, positions and bits are unaffected and stay exact.
struct DistortionFigures {
  /// The transcript with every distortion figure replaced by `‹d›`.
  let text: String
  /// The figures in order of appearance.
  let values: [Double]

  private static let pattern = try! NSRegularExpression(
    pattern: #"(distortion |\(max )([0-9.]+e[-+][0-9]+)"#)

  init(_ transcript: String) {
    var values = [Double]()
    let lines = transcript.split(separator: "\n", omittingEmptySubsequences: false).map {
      line -> String in
      let text = String(line)
      guard text.hasPrefix("- link:") || text.hasPrefix("- totals:") else { return text }
      let range = NSRange(text.startIndex..., in: text)
      for match in Self.pattern.matches(in: text, range: range) {
        if let r = Range(match.range(at: 2), in: text), let v = Double(text[r]) { values.append(v) }
      }
      return Self.pattern.stringByReplacingMatches(
        in: text, range: range, withTemplate: "$1‹d›")
    }
    self.text = lines.joined(separator: "\n")
    self.values = values
  }

  /// True when both have the same number of figures and each pair differs by at most
  /// `relative` of the larger.
  func agree(with other: DistortionFigures, relative: Double) -> Bool {
    values.count == other.values.count
      && zip(values, other.values).allSatisfy { a, b in
        abs(a - b) <= relative * max(abs(a), abs(b))
      }
  }
}
