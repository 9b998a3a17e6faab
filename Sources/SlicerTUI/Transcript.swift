import Foundation
import SlicerModel

/// `/save FILE`: the conversation with what crossed the link at every step, as JSON
/// (snake_case keys), for analysis outside the TUI.
public struct Transcript: Codable, Equatable, Sendable {
  public var model: String
  public var layers: Int
  public var hiddenSize: Int
  public var turns: [Turn] = []

  public struct Turn: Codable, Equatable, Sendable {
    public var user: String
    public var reply: String
    /// How it ended: `eos`, `max_tokens`, `context_full`, `cancelled`.
    public var stop: String
    /// Split, codec and tail when the turn ended.
    public var split: Int
    public var codec: String
    public var endpoint: String
    public var steps: [Step]
  }

  public struct Step: Codable, Equatable, Sendable {
    public var token: Int
    /// The text this token added to the reply (may be empty: part of a UTF-8 character).
    public var text: String
    public var logProbability: Double
    /// Positions sent (the prompt's at the first step, then 1).
    public var positions: Int
    public var bits: Int
    public var payloadBytes: Int
    /// Mean relative squared error over the positions sent.
    public var distortion: Double
    /// The last position's kept entries and group bitwidths (positive groups first).
    public var kPositive: Int
    public var kNegative: Int
    public var groupBits: [Int]
    public var groupSizes: [Int]
    public var headMs: Double
    public var encodeMs: Double
    public var tailMs: Double
    public var roundTripMs: Double
    /// Since the turn was sent.
    public var elapsedMs: Double

    public init(_ record: StepRecord, text: String, elapsed: Double) {
      token = record.token
      self.text = text
      logProbability = record.logProbability
      positions = record.positions
      bits = record.bits
      payloadBytes = record.payloadBytes
      distortion =
        record.link.isEmpty
        ? 0 : record.link.reduce(0) { $0 + $1.distortion } / Double(record.link.count)
      let last = record.link.last
      kPositive = last?.kPositive ?? 0
      kNegative = last?.kNegative ?? 0
      groupBits = last?.groups.map(\.bits) ?? []
      groupSizes = last?.groups.map(\.count) ?? []
      headMs = record.headSeconds * 1000
      encodeMs = record.encodeSeconds * 1000
      tailMs = record.tailSeconds * 1000
      roundTripMs = record.roundTripSeconds * 1000
      elapsedMs = elapsed * 1000
    }
  }

  public init(model: String, layers: Int, hiddenSize: Int) {
    self.model = model
    self.layers = layers
    self.hiddenSize = hiddenSize
  }

  /// Pretty, key-sorted JSON with snake_case keys.
  public func json() throws -> Data {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(self)
  }
}
