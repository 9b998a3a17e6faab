import SlicerCodec
import SlicerModel

/// Everything a replay of one prompt file did, in file order: what `Transcript` and
/// `TokenRecord` write out.
public struct ReplayResult: Sendable {
  /// The prompt file's path as given.
  public var file: String
  public var model: ModelInfo
  /// The settings before the file's first directive.
  public var start: ChatSettings
  public var events: [ReplayEvent]
  /// Wall time of the whole file.
  public var seconds: Double

  public init(
    file: String, model: ModelInfo, start: ChatSettings, events: [ReplayEvent], seconds: Double
  ) {
    self.file = file
    self.model = model
    self.start = start
    self.events = events
    self.seconds = seconds
  }

  public var turns: [ReplayTurn] {
    events.compactMap {
      if case .turn(let turn) = $0 { turn } else { nil }
    }
  }

  /// The link over the whole file.
  public var totals: LinkTotals {
    var totals = LinkTotals(dimension: model.hiddenSize)
    for turn in turns { totals.merge(turn.link) }
    return totals
  }

  /// Tokens generated over the whole file.
  public var tokenCount: Int { turns.reduce(0) { $0 + $1.tokens.count } }
}

/// One entry of a replay: a directive as applied, or a turn with its answer.
public enum ReplayEvent: Sendable {
  /// `settings` are those in force after the directive.
  case directive(line: Int, PromptDirective, settings: ChatSettings)
  case turn(ReplayTurn)
}

/// One user turn and the model's answer, with every step's link statistics.
public struct ReplayTurn: Sendable {
  /// Where the turn starts in the prompt file.
  public var line: Int
  /// 1-based: the file's turns in order, and the conversation (`/reset` starts the next).
  public var number: Int
  public var conversation: Int
  public var user: String
  public var reply: String
  /// Generated token ids, and the text each added to the reply (stop tokens add "").
  public var tokens: [Int]
  public var pieces: [String]
  public var stop: StopReason
  /// The settings the turn ran under.
  public var settings: ChatSettings
  public var steps: [StepRecord]
  /// The link over the turn (computed from `steps`).
  public var link: LinkTotals
  /// Where the tail ran (`in-process`, `host:port`); left out of golden comparisons.
  public var endpoint: String
  public var seconds: Double

  public init(
    line: Int, number: Int, conversation: Int, user: String, reply: String, tokens: [Int],
    pieces: [String], stop: StopReason, settings: ChatSettings, steps: [StepRecord],
    dimension: Int, endpoint: String, seconds: Double
  ) {
    self.line = line
    self.number = number
    self.conversation = conversation
    self.user = user
    self.reply = reply
    self.tokens = tokens
    self.pieces = pieces
    self.stop = stop
    self.settings = settings
    self.steps = steps
    link = LinkTotals(dimension: dimension, steps: steps)
    self.endpoint = endpoint
    self.seconds = seconds
  }
}
