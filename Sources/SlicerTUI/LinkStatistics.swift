import Foundation
import SlicerCodec
import SlicerModel

/// What the link did, for the link, ABQ and timing panes: the last step, the running turn, and
/// a history of bits per step across turns.
public struct LinkStatistics: Equatable, Sendable {
  /// Bits per position of the most recent steps (oldest first), for the sparkline.
  public private(set) var history: [Double] = []
  public static let historyLimit = 512

  /// The last step: bits per position sent, and its last position's codec statistics.
  public private(set) var lastStepBits: Int?
  public private(set) var last: StepStats?

  public private(set) var turn = TurnTotals()

  public init() {}

  /// Totals over the steps of one turn.
  public struct TurnTotals: Equatable, Sendable {
    /// Tokens generated (= steps).
    public var tokens = 0
    /// Positions sent over the link (the prompt's, then one per step).
    public var positions = 0
    public var bits = 0
    public var distortion = 0.0
    /// Kept values coded at each bitwidth 0…8 (index = bits), all positions of the turn.
    public var bitwidthHistogram = [Int](repeating: 0, count: 9)
    /// Sums over decode steps (one position each), the per-token costs.
    public var decodeSteps = 0
    public var headSeconds = 0.0
    public var encodeSeconds = 0.0
    public var tailSeconds = 0.0
    public var roundTripSeconds = 0.0
    /// Time from sending the turn to its first token, and to its latest.
    public var firstTokenSeconds: Double?
    public var latestSeconds = 0.0
    public var isPassthrough = false

    public var bitsPerToken: Double? { positions > 0 ? Double(bits) / Double(positions) : nil }
    public var meanDistortion: Double? { positions > 0 ? distortion / Double(positions) : nil }

    /// Generated tokens per second after the first (the steady decode rate).
    public var tokensPerSecond: Double? {
      guard tokens > 1, let first = firstTokenSeconds, latestSeconds > first else { return nil }
      return Double(tokens - 1) / (latestSeconds - first)
    }

    func perToken(_ seconds: Double) -> Double? {
      decodeSteps > 0 ? seconds / Double(decodeSteps) : nil
    }
    public var headMillisecondsPerToken: Double? { perToken(headSeconds).map { $0 * 1000 } }
    public var encodeMillisecondsPerToken: Double? { perToken(encodeSeconds).map { $0 * 1000 } }
    public var tailMillisecondsPerToken: Double? { perToken(tailSeconds).map { $0 * 1000 } }
    public var roundTripMilliseconds: Double? { perToken(roundTripSeconds).map { $0 * 1000 } }
  }

  /// A new turn: its totals start from zero; the history goes on.
  public mutating func startTurn() { turn = TurnTotals() }

  /// Forgets everything (a new conversation).
  public mutating func reset() { self = LinkStatistics() }

  /// Adds one step; `elapsed` is the time since the turn was sent.
  public mutating func add(_ step: StepRecord, elapsed: Double) {
    let positions = max(step.positions, 1)
    let bits = step.bits
    lastStepBits = (bits + positions / 2) / positions
    history.append(Double(bits) / Double(positions))
    if history.count > Self.historyLimit { history.removeFirst(history.count - Self.historyLimit) }
    if let stats = step.link.last { last = stats }

    turn.tokens += 1
    turn.positions += step.positions
    turn.bits += bits
    for stats in step.link {
      turn.distortion += stats.distortion
      turn.isPassthrough = stats.isPassthrough
      for group in stats.groups where (0...8).contains(group.bits) && group.count > 0 {
        turn.bitwidthHistogram[group.bits] += group.count
      }
    }
    if step.positions == 1 {
      turn.decodeSteps += 1
      turn.headSeconds += step.headSeconds
      turn.encodeSeconds += step.encodeSeconds
      turn.tailSeconds += step.tailSeconds
      turn.roundTripSeconds += step.roundTripSeconds
    }
    if turn.firstTokenSeconds == nil { turn.firstTokenSeconds = elapsed }
    turn.latestSeconds = elapsed
  }
}
