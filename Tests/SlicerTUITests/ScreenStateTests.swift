import SlicerCodec
import SlicerModel
import SlicerTUI
import Testing

struct ScreenStateTests {
  static let model = ModelSummary(name: "tiny", layerCount: 4, hiddenSize: 64, contextLength: 128)
  static let settings = ChatSettings(split: 2, codec: .slicer(budget: 1e-3), maxTokens: 16)

  func loaded() -> ScreenState {
    var state = ScreenState(modelNotice: "Model: tiny.")
    state.apply(.loading(path: "Tests/Fixtures/tiny"))
    state.apply(.loaded(Self.model, Self.settings, endpoint: "in-process", connected: true))
    return state
  }

  @Test func loadingThenLoaded() {
    var state = ScreenState()
    state.apply(.loading(path: "Weights/x"))
    #expect(state.loading)
    #expect(state.notice == Notice(.info, "Loading Weights/x…"))
    state.apply(.loaded(Self.model, Self.settings, endpoint: "in-process", connected: true))
    #expect(!state.loading)
    #expect(state.notice == nil)
    #expect(state.codec == .slicer(budget: 1e-3))
  }

  @Test func aLoadErrorIsShownNotFatal() {
    var state = ScreenState()
    state.apply(.loadFailed("Cannot load the model at 'x': no such file."))
    #expect(state.notice == Notice(.error, "Cannot load the model at 'x': no such file."))
    #expect(state.entries == [ChatEntry(.error, "Cannot load the model at 'x': no such file.")])
    #expect(state.model == nil)
  }

  @Test func aTurnStreamsTextAndFoldsStatistics() {
    var state = loaded()
    state.apply(.turnStarted("hi", positionsUsed: 0))
    #expect(state.generating)
    state.apply(.step(StepFixtures.step(positions: 4, bitsEach: 500), piece: "Hel", elapsed: 0.05))
    state.apply(
      .step(StepFixtures.step(bitsEach: 400, distortion: 2e-3), piece: "lo", elapsed: 0.07))
    state.apply(
      .step(StepFixtures.step(bitsEach: 300, distortion: 3e-3), piece: "!", elapsed: 0.09))
    #expect(state.entries.suffix(2) == [ChatEntry(.user, "hi"), ChatEntry(.assistant, "Hello!")])
    #expect(state.positionsUsed == 6)
    let turn = state.link.turn
    #expect(turn.tokens == 3)
    #expect(turn.positions == 6)
    #expect(turn.bits == 2700)
    #expect(turn.bitsPerToken == 450)
    #expect(abs((turn.meanDistortion ?? 0) - 9e-3 / 6) < 1e-12)
    #expect(turn.decodeSteps == 2)
    #expect(abs((turn.headMillisecondsPerToken ?? 0) - 3) < 1e-9)
    #expect(abs((turn.tailMillisecondsPerToken ?? 0) - 12) < 1e-9)
    #expect(turn.firstTokenSeconds == 0.05)
    #expect(abs((turn.tokensPerSecond ?? 0) - 50) < 1e-9)  // 2 tokens in 0.04 s
    // Values per bitwidth: (17 at 2 bits, 17+15 at 3, 15 at 4, 16 at 5) × 6 positions.
    #expect(turn.bitwidthHistogram == [0, 0, 102, 192, 90, 96, 0, 0, 0])
    #expect(state.link.lastStepBits == 300)
    #expect(state.link.history == [500, 400, 300])
    #expect(state.link.last?.kPositive == 50)

    state.apply(.turnEnded(.endOfSequence, positionsUsed: 7, settings: Self.settings))
    #expect(!state.generating)
    #expect(state.positionsUsed == 7)
    #expect(state.entries.last == ChatEntry(.assistant, "Hello!"))
  }

  @Test func theNextTurnStartsItsTotalsAfreshButKeepsTheHistory() {
    var state = loaded()
    state.apply(.turnStarted("a", positionsUsed: 0))
    state.apply(.step(StepFixtures.step(bitsEach: 100), piece: "x", elapsed: 0.01))
    state.apply(.turnEnded(.maxTokens, positionsUsed: 2, settings: Self.settings))
    state.apply(.turnStarted("b", positionsUsed: 2))
    state.apply(.step(StepFixtures.step(bitsEach: 200), piece: "y", elapsed: 0.01))
    #expect(state.link.turn.tokens == 1)
    #expect(state.link.turn.bits == 200)
    #expect(state.link.history == [100, 200])
  }

  @Test func stoppingAndFillingTheContextLeaveNotes() {
    var state = loaded()
    state.apply(.turnStarted("a", positionsUsed: 0))
    state.apply(.turnEnded(.cancelled, positionsUsed: 3, settings: Self.settings))
    #expect(state.entries.last == ChatEntry(.note, "Stopped."))
    state.apply(.turnStarted("b", positionsUsed: 3))
    state.apply(.turnEnded(.contextFull, positionsUsed: 128, settings: Self.settings))
    #expect(state.contextFull)
    #expect(
      state.notice
        == Notice(
          .warning,
          "The conversation filled the model's context (128 positions). F8 or /reset starts a new one."
        ))
    state.apply(.conversationReset)
    #expect(!state.contextFull)
    #expect(state.positionsUsed == 0)
    #expect(state.link.history.isEmpty)
  }

  @Test func aPromptTooLongForTheContextIsANoticeAndTheEmptyAnswerGoes() {
    var state = loaded()
    state.apply(.turnStarted("long", positionsUsed: 120))
    state.apply(
      .turnFailed(
        "the prompt is 140 tokens long, but the model's context holds 128", contextFull: true))
    #expect(!state.generating)
    #expect(state.contextFull)
    #expect(
      state.entries.suffix(2) == [
        ChatEntry(.user, "long"),
        ChatEntry(
          .note,
          "The context is full: the prompt is 140 tokens long, but the model's context holds 128."),
      ])
  }

  @Test func requestedSettingsShowAtOnceAndRememberTheSlicerBudget() {
    var state = loaded()
    state.showRequestedCodec(.slicer(budget: 0.00316))
    #expect(state.codec == .slicer(budget: 0.00316))
    state.showRequestedCodec(.int8)
    #expect(state.lastSlicer == .slicer(budget: 0.00316))
    state.showRequestedSplit(3)
    #expect(state.settings?.split == 3)
    var moved = Self.settings
    moved.split = 1
    state.apply(
      .settingsChanged(moved, endpoint: "in-process", connected: true, note: "Split 2 → 1/4."))
    #expect(state.settings?.split == 1)
    #expect(state.entries.last == ChatEntry(.note, "Split 2 → 1/4."))
  }
}
