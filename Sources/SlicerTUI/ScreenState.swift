import SlicerCodec
import SlicerModel

/// Everything the screen shows, as plain values: updated from engine events and key actions,
/// drawn by the panes. No curses here, so it is tested directly.
public struct ScreenState: Sendable {
  public var model: ModelSummary?
  public var settings: ChatSettings?
  public var endpoint = TailEndpoint.inProcess.description
  public var connected = true
  /// Which model runs and how to get the other (one line, from `ModelChoice`).
  public var modelNotice: String?
  public var notice: Notice?
  public var entries: [ChatEntry] = []
  public var link = LinkStatistics()
  public var positionsUsed = 0
  public var loading = false
  public var generating = false
  public var contextFull = false
  public var helpVisible = false
  public var quitArmed = false
  public var scroll = ChatScroll.following
  /// SLICER's budget before F6 moved to a baseline, to come back to.
  /// The SLICER setting F6 returns to.
  public var lastSlicer = CodecSpec.slicer(budget: BudgetStepper.defaultBudget)

  public init(modelNotice: String? = nil) {
    self.modelNotice = modelNotice
  }

  /// The codec shown (and stepped by the keys), `nil` before the model is loaded.
  public var codec: CodecSpec? { settings?.codec }

  public mutating func apply(_ event: EngineEvent) {
    switch event {
    case .loading(let path):
      loading = true
      notice = Notice(.info, "Loading \(path)…")
    case .loaded(let summary, let settings, let endpoint, let connected):
      loading = false
      model = summary
      setSettings(settings)
      self.endpoint = endpoint
      self.connected = connected
      if notice?.level == .info { notice = nil }
    case .loadFailed(let message):
      loading = false
      notice = Notice(.error, message)
      entries.append(ChatEntry(.error, message))
    case .turnStarted(let text, let positions):
      generating = true
      contextFull = false
      positionsUsed = positions
      scroll = .following
      link.startTurn()
      entries.append(ChatEntry(.user, text))
      entries.append(ChatEntry(.assistant, ""))
      if notice?.level != .error { notice = nil }
    case .step(let step, let piece, let elapsed):
      link.add(step, elapsed: elapsed)
      positionsUsed += step.positions
      if !piece.isEmpty { appendToAnswer(piece) }
    case .turnEnded(let stop, let positions, let settings):
      generating = false
      positionsUsed = positions
      setSettings(settings)
      endTurn(stop)
    case .turnFailed(let message, let full):
      generating = false
      dropEmptyAnswer()
      if full {
        contextFull = true
        notice = Notice(.warning, Self.contextFullNotice(model?.contextLength))
        entries.append(ChatEntry(.note, "The context is full: \(message)."))
      } else {
        notice = Notice(.error, message)
        entries.append(ChatEntry(.error, message))
      }
    case .settingsChanged(let settings, let endpoint, let connected, let note):
      setSettings(settings)
      self.endpoint = endpoint
      self.connected = connected
      if let note {
        entries.append(ChatEntry(.note, note))
        notice = Notice(.info, note)
      }
    case .conversationReset:
      entries.append(ChatEntry(.note, "New conversation."))
      positionsUsed = 0
      contextFull = false
      link.reset()
      scroll = .following
      notice = Notice(.info, "New conversation.")
    case .notice(let notice):
      self.notice = notice
      if notice.level == .error { entries.append(ChatEntry(.error, notice.text)) }
    }
  }

  /// Shows a codec chosen by a key at once, before the engine confirms it.
  public mutating func showRequestedCodec(_ codec: CodecSpec) {
    settings?.codec = codec
    if codec.slicerBudget != nil { lastSlicer = codec }
  }

  public mutating func showRequestedSplit(_ split: Int) {
    settings?.split = split
  }

  public static func contextFullNotice(_ limit: Int?) -> String {
    let size = limit.map { " (\($0) positions)" } ?? ""
    return "The conversation filled the model's context\(size). F8 or /reset starts a new one."
  }

  private mutating func setSettings(_ new: ChatSettings) {
    settings = new
    if new.codec.slicerBudget != nil { lastSlicer = new.codec }
  }

  private mutating func appendToAnswer(_ piece: String) {
    if let last = entries.indices.last, entries[last].kind == .assistant {
      entries[last].text += piece
    } else {
      entries.append(ChatEntry(.assistant, piece))
    }
  }

  private mutating func dropEmptyAnswer() {
    if let last = entries.last, last.kind == .assistant, last.text.isEmpty {
      entries.removeLast()
    }
  }

  private mutating func endTurn(_ stop: StopReason) {
    switch stop {
    case .cancelled:
      entries.append(ChatEntry(.note, "Stopped."))
      notice = Notice(.info, "Stopped. Ctrl-C again at the empty prompt quits.")
    case .contextFull:
      contextFull = true
      entries.append(ChatEntry(.note, "The context is full."))
      notice = Notice(.warning, Self.contextFullNotice(model?.contextLength))
    case .maxTokens:
      entries.append(ChatEntry(.note, "Reached the answer length limit (/max to change it)."))
    case .endOfSequence, .splitChange:
      break
    }
  }
}
