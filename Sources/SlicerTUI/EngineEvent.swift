import SlicerModel

/// The model, as the panes describe it.
public struct ModelSummary: Equatable, Sendable {
  public var name: String
  public var layerCount: Int
  public var hiddenSize: Int
  public var contextLength: Int

  public init(name: String, layerCount: Int, hiddenSize: Int, contextLength: Int) {
    self.name = name
    self.layerCount = layerCount
    self.hiddenSize = hiddenSize
    self.contextLength = contextLength
  }

  public init(_ info: ModelInfo) {
    self.init(
      name: info.name, layerCount: info.layerCount, hiddenSize: info.hiddenSize,
      contextLength: info.contextLength)
  }

  /// Bits of one position at fp16: the baseline the codec's ratio is against.
  public var fp16Bits: Int { 16 * hiddenSize }
}

/// A one-line message under the conversation.
public struct Notice: Equatable, Sendable {
  public enum Level: Sendable { case info, warning, error }
  public var level: Level
  public var text: String

  public init(_ level: Level, _ text: String) {
    self.level = level
    self.text = text
  }
}

/// What the generation thread tells the screen. Posted in order; `ScreenState.apply` folds
/// them into the view.
public enum EngineEvent: Sendable {
  case loading(path: String)
  case loaded(ModelSummary, ChatSettings, endpoint: String, connected: Bool)
  case loadFailed(String)
  /// A turn begins: the user's text, and the positions the conversation held before it.
  case turnStarted(String, positionsUsed: Int)
  /// One generated token: its step, the text it added, seconds since the turn was sent.
  case step(StepRecord, piece: String, elapsed: Double)
  case turnEnded(StopReason, positionsUsed: Int, settings: ChatSettings)
  /// The turn could not run or broke off; `contextFull` when the conversation outgrew the model.
  case turnFailed(String, contextFull: Bool)
  /// Settings changed (a key, a slash command, a request applied mid-turn); `note` says how.
  case settingsChanged(ChatSettings, endpoint: String, connected: Bool, note: String?)
  case conversationReset
  case notice(Notice)
}
