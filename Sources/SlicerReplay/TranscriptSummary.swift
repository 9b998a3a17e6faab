/// The headline figures of a transcript, read back from its `- totals:` line (to compare a
/// replay with a golden in the summary table).
public struct TranscriptSummary: Sendable, Equatable {
  public var turns: Int
  public var tokens: Int
  public var positions: Int
  /// Link bits over all positions.
  public var bits: Int

  public init(turns: Int, tokens: Int, positions: Int, bits: Int) {
    self.turns = turns
    self.tokens = tokens
    self.positions = positions
    self.bits = bits
  }

  public var bitsPerToken: Double { positions > 0 ? Double(bits) / Double(positions) : 0 }

  public init(_ result: ReplayResult) {
    let totals = result.totals
    self.init(
      turns: result.turns.count, tokens: result.tokenCount, positions: totals.positions,
      bits: totals.bits)
  }

  /// Reads `- totals: 3 turns, 40 tokens, 77 positions, 30654 bits, …`; nil when the text
  /// has no such line (not a transcript, or a damaged one).
  public init?(parsing transcript: String) {
    guard
      let line = transcript.split(separator: "\n").last(where: { $0.hasPrefix("- totals: ") })
    else { return nil }
    var values: [String: Int] = [:]
    for field in line.dropFirst("- totals: ".count).split(separator: ",") {
      let words = field.split(separator: " ")
      guard words.count == 2, let value = Int(words[0]), value >= 0 else { continue }
      values[String(words[1])] = value
    }
    guard let turns = values["turns"], let tokens = values["tokens"],
      let positions = values["positions"], let bits = values["bits"]
    else { return nil }
    self.init(turns: turns, tokens: tokens, positions: positions, bits: bits)
  }
}
