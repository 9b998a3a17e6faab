import Foundation
import SlicerCodec
import SlicerModel
import Testing

/// The conversation engine behind `chat`, `replay` and the TUI, on the real SmolLM2.
@Suite(.enabled(if: SmolLM2.isPresent, "SmolLM2 not in Weights/ (run scripts/fetch-smollm2.sh)"))
struct ChatSessionTests {
  func session(split: Int, codec: CodecSpec = .none, maxTokens: Int = 24) throws -> ChatSession {
    try ChatSession(
      loaded: SmolLM2.load(),
      settings: ChatSettings(split: split, codec: codec, maxTokens: maxTokens))
  }

  @Test func firstTurnAnswersLikeGenerate() throws {
    var chat = try session(split: 15)
    let turn = try chat.send("What is the capital of France?")
    #expect(turn.tokens == [504, 3575, 282, 4649, 314, 7042, 30, 2])
    #expect(turn.reply == "The capital of France is Paris.")
    #expect(turn.stop == .endOfSequence)
    #expect(chat.messages.count == 2)
  }

  @Test func movingTheSplitMidConversationChangesNothing() throws {
    var steady = try session(split: 10)
    var moved = try session(split: 10)
    _ = try steady.send("What is the capital of France?")
    _ = try moved.send("What is the capital of France?")
    try moved.changeSplit(to: 22)
    #expect(moved.settings.split == 22)
    let a = try steady.send("And of Italy?")
    let b = try moved.send("And of Italy?")
    #expect(a.tokens == b.tokens)
    #expect(!a.tokens.isEmpty)
  }

  @Test func aSplitRequestDuringGenerationIsAppliedAndTheAnswerContinues() throws {
    var steady = try session(split: 5, maxTokens: 12)
    var moved = try session(split: 5, maxTokens: 12)
    let control = GenerationControl()
    let a = try steady.send("Write a sentence about the sea.")
    var steps = 0
    let b = try moved.send("Write a sentence about the sea.", control: control) { _, _ in
      steps += 1
      if steps == 4 { control.requestSplit(25) }
      return true
    }
    #expect(moved.settings.split == 25)
    #expect(a.tokens == b.tokens)
  }

  @Test func aCodecRequestChangesTheBitsOfLaterSteps() throws {
    var chat = try session(split: 15, codec: .slicer(budget: 1e-4), maxTokens: 10)
    let control = GenerationControl()
    var bits: [Int] = []
    _ = try chat.send("Tell me a story.", control: control) { step, _ in
      bits.append(step.bits)
      if bits.count == 4 { control.requestCodec(.slicer(budget: 0.1)) }
      return true
    }
    #expect(chat.settings.codec == .slicer(budget: 0.1))
    #expect(bits.count >= 8)
    // Steps 2-4 ran at 1e-4, steps 5… at 0.1: a looser budget must cost fewer bits.
    let tight = bits[1..<4].reduce(0, +) / 3
    let loose = bits[5...].reduce(0, +) / bits[5...].count
    #expect(loose < tight, "bits \(bits)")
  }

  @Test func aStopRequestEndsTheTurnAndTheNextTurnWorks() throws {
    var chat = try session(split: 15, maxTokens: 40)
    let control = GenerationControl()
    let turn = try chat.send("Count from one to twenty.", control: control) { _, _ in
      control.requestStop()  // as Ctrl-C would, after the first token
      return true
    }
    #expect(turn.stop == .cancelled)
    #expect(turn.tokens.count == 1)
    let next = try chat.send("What is the capital of France?")
    #expect(!next.tokens.isEmpty)
  }
}
