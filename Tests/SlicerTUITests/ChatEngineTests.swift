import Foundation
import SlicerCodec
import SlicerModel
import SlicerTUI
import Testing

/// The generation thread's command queue and the events it posts, on the tiny OPT fixture.
@Suite(.serialized) struct ChatEngineTests {
  /// A compact name for each event, to compare sequences.
  static func names(_ events: [EngineEvent]) -> [String] {
    events.map { event in
      switch event {
      case .loading: "loading"
      case .loaded: "loaded"
      case .loadFailed: "loadFailed"
      case .turnStarted: "turnStarted"
      case .step: "step"
      case .turnEnded(let stop, _, _): "turnEnded(\(stop.rawValue))"
      case .turnFailed(_, let full): "turnFailed(\(full))"
      case .settingsChanged(_, _, _, let note): "settings(\(note ?? "-"))"
      case .conversationReset: "reset"
      case .notice(let notice): "notice(\(notice.text))"
      }
    }
  }

  @Test func aTurnPostsItsStepsInOrder() {
    let engine = ChatEngine(
      configuration: TinyModel.configuration(maxTokens: 4), connector: nil,
      loader: { _ in TinyModel.loaded })
    engine.start()
    engine.submit(.send("Hello"))
    engine.submit(.split(3))
    engine.submit(.split(7))
    engine.submit(.reset)
    engine.waitUntilIdle()
    let events = engine.drain()
    #expect(
      Self.names(events) == [
        "loading", "loaded", "turnStarted", "step", "step", "step", "step", "turnEnded(max_tokens)",
        "settings(Split 2 → 3/4: 5 positions replayed.)",
        "notice(Split 7 is outside 0…4 (tiny-opt has 4 layers).)", "settings(-)",
        "reset",
      ])
    #expect(engine.drain().isEmpty)
  }

  @Test func aModelThatWillNotLoadIsAnEventAndTurnsFailPolitely() {
    let engine = ChatEngine(
      configuration: ChatConfiguration(modelPath: "/nonexistent"), connector: nil)
    engine.start()
    engine.waitUntilIdle()
    engine.submit(.send("Hello"))
    engine.waitUntilIdle()
    let names = Self.names(engine.drain())
    #expect(names.count == 3)
    #expect(names[0] == "loading")
    #expect(names[1].hasPrefix("loadFailed"))
    #expect(names[2] == "turnFailed(false)")
  }

  @Test func requestsLeftOverFromAFinishedTurnApplyBeforeTheNextCommand() {
    let engine = ChatEngine(
      configuration: TinyModel.configuration(maxTokens: 2), connector: nil,
      loader: { _ in TinyModel.loaded })
    engine.start()
    engine.waitUntilIdle()
    _ = engine.drain()
    // The screen thought a turn was running: the request went to the control.
    engine.control.requestCodec(.int8)
    engine.submit(.maxTokens(3))
    engine.waitUntilIdle()
    #expect(
      Self.names(engine.drain()) == [
        "settings(Codec slicer:0.001 → int8.)", "settings(Answers stop after 3 tokens.)",
      ])
  }
}
