import Foundation
import SlicerCodec

/// `slicer chat`: the full-screen chat. The UI thread reads keys, folds engine events into the
/// `ScreenState` and draws; the `ChatEngine` generates on its own thread.
///
/// Frames are coalesced: keys redraw at once, streamed tokens at most 30 frames a second, and
/// fewer when frames are slow to draw, so that drawing takes at most ~3% of a core while the
/// model generates: a burst of hundreds of tokens per second costs a few dozen frames.
public final class ChatApp {
  public static let fastestFrameInterval = 1.0 / 30
  public static let slowestFrameInterval = 1.0 / 10
  /// The share of a core that drawing may take while tokens stream.
  public static let drawingShare = 0.03

  private let configuration: ChatConfiguration
  private let engine: ChatEngine
  private let stepper: BudgetStepper
  private let screen: Screen
  private var state: ScreenState
  private var metrics = Screen.Metrics(chatLines: 0, chatHeight: 1)
  private var quitting = false
  private var frames = FrameStatistics()
  private var stepsSinceFrame = 0
  /// Draw time per frame, smoothed (one slow frame must not stall the next ones).
  private var drawSeconds = 0.0

  /// The time between frames for streamed text: 1/30 s, or longer (up to 1/10 s) when a frame
  /// takes more than `drawingShare` of that.
  private var frameInterval: Double {
    min(max(Self.fastestFrameInterval, drawSeconds / Self.drawingShare), Self.slowestFrameInterval)
  }

  public init(configuration: ChatConfiguration, connector: RemoteConnector?) {
    self.configuration = configuration
    engine = ChatEngine(configuration: configuration, connector: connector)
    stepper = BudgetStepper(factor: configuration.budgetFactor)
    screen = Screen(budgetFactor: stepper.factor)
    state = ScreenState(modelNotice: configuration.modelNotice)
    if let notice = configuration.modelNotice { state.entries.append(ChatEntry(.note, notice)) }
  }

  /// Runs until the user quits. The terminal is restored on return, on a thrown error, and (by
  /// signal handlers) on a crash.
  public func run() throws {
    let terminal = try Terminal(noColor: configuration.noColor)
    defer { terminal.stop() }
    let editor = LineEditor(historyPath: configuration.historyPath)
    defer { editor.close() }
    engine.start()
    try loop(terminal, editor)
    engine.control.requestStop()
    if let path = configuration.frameStatisticsPath {
      frames.finish()
      frames.write(to: path)
    }
  }

  private func loop(_ terminal: Terminal, _ editor: LineEditor) throws {
    var lastFrame = ContinuousClock.now - .seconds(1)
    var needsFrame = true
    while !quitting {
      var keyed = false
      // Sleep until a key, an engine event, or a pending frame's time; at most 100 ms, for
      // resizes and SIGINT, which arrive on another thread and do not end the poll.
      let untilFrame =
        needsFrame ? max(frameInterval - (ContinuousClock.now - lastFrame).seconds, 0) : 0.1
      terminal.waitForInput(or: engine.wakeDescriptor, seconds: min(untilFrame, 0.1))
      // Everything typed so far (a paste too) goes in before the next frame.
      var count = 0
      while count < 4096, !quitting, let key = terminal.readKey(waitingAtMost: 0) {
        handle(key, terminal, editor)
        keyed = true
        count += 1
      }
      if terminal.takeInterrupts() > 0 { handle(.ctrlC, terminal, editor) }
      for line in editor.takeLines() { submit(line, editor) }
      let events = engine.drain()
      for event in events {
        if case .step = event { stepsSinceFrame += 1 }
        if case .turnEnded = event { recordTurn() }
        state.apply(event)
      }
      needsFrame = needsFrame || keyed || !events.isEmpty
      let now = ContinuousClock.now
      if needsFrame && (keyed || (now - lastFrame).seconds >= frameInterval) && !quitting {
        draw(terminal, editor)
        lastFrame = now
        needsFrame = false
      }
    }
  }

  private func draw(_ terminal: Terminal, _ editor: LineEditor) {
    let start = ContinuousClock.now
    var canvas = terminal.canvas()
    metrics = screen.draw(state, input: editor.state, on: &canvas)
    terminal.show(canvas)
    let seconds = (ContinuousClock.now - start).seconds
    drawSeconds = drawSeconds == 0 ? seconds : 0.8 * drawSeconds + 0.2 * seconds
    frames.frame(steps: stepsSinceFrame, seconds: seconds)
    stepsSinceFrame = 0
  }

  private func recordTurn() {
    let turn = state.link.turn
    frames.turns.append(
      FrameStatistics.TurnRate(
        tokens: turn.tokens, tokensPerSecond: turn.tokensPerSecond,
        firstTokenSeconds: turn.firstTokenSeconds))
  }

  // MARK: Keys

  private func handle(_ key: KeyEvent, _ terminal: Terminal, _ editor: LineEditor) {
    let input = editor.state
    let context = KeyContext(
      generating: state.generating, inputEmpty: input.isEmpty, searching: input.searching,
      helpVisible: state.helpVisible, quitArmed: state.quitArmed)
    let actions = KeyMap.actions(for: key, in: context)
    if key != .ctrlC && key != .resize { state.quitArmed = false }
    for action in actions { perform(action, terminal, editor) }
  }

  private func perform(_ action: Action, _ terminal: Terminal, _ editor: LineEditor) {
    switch action {
    case .stepBudget(let direction):
      guard let codec = state.codec else { return notLoaded() }
      let next = stepper.step(codec, direction: direction)
      if next == codec {
        state.notice = Notice(
          .info, "The budget is at its \(direction < 0 ? "lowest" : "highest") step.")
      }
      apply(codec: next)
    case .stepSplit(let direction):
      guard let split = state.settings?.split, let model = state.model else { return notLoaded() }
      let next = split + direction
      guard (0...model.layerCount).contains(next) else {
        state.notice = Notice(.info, "The split is at \(split) of 0…\(model.layerCount).")
        return
      }
      apply(split: next)
    case .nextCodec:
      guard let codec = state.codec else { return notLoaded() }
      apply(codec: CodecCycle.next(after: codec, slicer: state.lastSlicer))
    case .stopGeneration:
      engine.control.requestStop()
    case .clearInput:
      editor.clear()
    case .armQuit:
      state.quitArmed = true
      if !state.generating { state.notice = Notice(.info, "Ctrl-C again quits (or F10).") }
    case .quit:
      quitting = true
    case .toggleHelp:
      state.helpVisible.toggle()
    case .closeHelp:
      state.helpVisible = false
    case .scrollPageUp:
      scroll(by: -ChatScroll.page(height: metrics.chatHeight))
    case .scrollPageDown:
      scroll(by: ChatScroll.page(height: metrics.chatHeight))
    case .scrollLines(let lines):
      scroll(by: lines)
    case .scrollToEnd:
      state.scroll = .following
    case .resetConversation:
      engine.submit(.reset)
    case .redraw, .resize:
      terminal.invalidate()
    case .edit(let key):
      editor.feed(key)
    case .notify(let text):
      state.notice = Notice(.info, text)
    }
  }

  private func scroll(by lines: Int) {
    state.scroll = state.scroll.moved(
      by: lines, total: metrics.chatLines, height: metrics.chatHeight)
  }

  private func notLoaded() {
    state.notice = Notice(
      .warning, state.loading ? "The model is still loading." : "\(ChatError.notLoaded)")
  }

  /// A codec change shows at once; mid-turn it reaches the generator through the control
  /// (from the next step), otherwise it runs on the engine between turns.
  private func apply(codec: CodecSpec) {
    guard codec != state.codec else { return }
    let old = state.codec?.description ?? "-"
    state.showRequestedCodec(codec)
    if state.generating {
      engine.control.requestCodec(codec)
      state.notice = Notice(.info, "Codec \(old) → \(codec) from the next token.")
    } else {
      engine.submit(.codec(codec))
    }
  }

  private func apply(split: Int) {
    state.showRequestedSplit(split)
    if state.generating {
      engine.control.requestSplit(split)
      state.notice = Notice(.info, "Moving the split to \(split): replaying the conversation…")
    } else {
      engine.submit(.split(split))
    }
  }

  // MARK: Lines

  private func submit(_ line: String, _ editor: LineEditor) {
    editor.remember(line)
    let input: ChatInput
    do {
      input = try ChatInput(parsing: line)
    } catch {
      state.notice = Notice(.error, "\(error)")
      return
    }
    switch input {
    case .empty:
      return
    case .prompt(let text):
      guard state.model != nil else { return notLoaded() }
      state.generating = true  // until the engine says otherwise; keys now go to the control
      engine.submit(.send(text))
    case .command(let command):
      run(command)
    }
  }

  private func run(_ command: SlashCommand) {
    switch command {
    case .budget(let budget):
      guard let codec = state.codec else { return notLoaded() }
      apply(codec: codec.withSlicerBudget(budget))
    case .split(let split):
      guard let model = state.model else { return notLoaded() }
      guard (0...model.layerCount).contains(split) else {
        state.notice = Notice(
          .error,
          "Split \(split) is outside 0…\(model.layerCount) (\(model.name) has \(model.layerCount) layers)."
        )
        return
      }
      apply(split: split)
    case .codec(let codec):
      guard state.codec != nil else { return notLoaded() }
      apply(codec: codec)
    case .server(let endpoint):
      state.notice = Notice(
        .info, endpoint == .inProcess ? "Moving the tail in-process…" : "Connecting to \(endpoint)…"
      )
      engine.submit(.server(endpoint))
    case .temperature(let temperature):
      engine.submit(.temperature(temperature))
    case .maxTokens(let count):
      engine.submit(.maxTokens(count))
    case .reset:
      if state.generating { engine.control.requestStop() }
      engine.submit(.reset)
    case .save(let path):
      engine.submit(.save(path))
    case .help:
      state.helpVisible = true
    case .quit:
      quitting = true
    }
  }
}
