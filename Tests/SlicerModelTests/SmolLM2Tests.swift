import Foundation
import SlicerModel
import SlicerTestSupport
import Testing

/// SmolLM2-135M-Instruct (Q4_1 GGUF) against transformers 5.24 loading the same file, dequantized
/// to fp32. `make test` fetches the model; without it these tests are skipped with a notice.
@Suite(.enabled(if: SmolLM2.isPresent, "SmolLM2 not in Weights/ (run scripts/fetch-smollm2.sh)"))
struct SmolLM2Tests {
  static let capitalPrompt = [
    1, 9690, 198, 2683, 359, 253, 5356, 5646, 11173, 3365, 3511, 308, 34519, 28, 7018, 411, 407,
    19712, 8182, 2, 198, 1, 4093, 198, 1780, 314, 260, 3575, 282, 4649, 47, 2, 198, 1, 520, 9531,
    198,
  ]

  @Test func chatTemplateTokenizesAsTransformers() throws {
    let loaded = try SmolLM2.load()
    #expect(loaded.promptIDs("What is the capital of France?") == Self.capitalPrompt)
  }

  @Test func greedyAnswerIsParis() throws {
    let loaded = try SmolLM2.load()
    var generator = try Generator(model: loaded.model, split: 15, sampling: .greedy)
    var tokens: [Int] = []
    let reason = try generator.generate(
      prompt: Self.capitalPrompt, maxTokens: 20, stopTokens: loaded.stopTokens
    ) { step in
      tokens.append(step.token)
      return true
    }
    #expect(tokens == [504, 3575, 282, 4649, 314, 7042, 30, 2])
    #expect(reason == .endOfSequence)
    #expect(loaded.tokenizer.decode(tokens, skippingSpecial: true) == "The capital of France is Paris.")
  }

  @Test func everySplitGivesTheUnsplitLogits() throws {
    let loaded = try SmolLM2.load()
    let model = loaded.model
    let prompt = Array(Self.capitalPrompt.prefix(12))
    func run(_ split: Int) throws -> [Float] {
      var head = try SplitHead(model: model, split: split)
      var tail = try SplitTail(model: model, split: split)
      var values = try tail.forward(try head.forward(prompt), logits: .last).values
      values += try tail.forward(try head.forward([504]), logits: .last).values
      return values
    }
    let unsplit = try run(model.info.layerCount)
    for split in 0..<model.info.layerCount {
      #expect(try run(split) == unsplit, "split \(split)")
    }
  }
}

enum SmolLM2 {
  static var isPresent: Bool { SmolLM2Weights.isPresent }
  /// Loaded once for the whole target.
  private static let model = LoadedOnce { try ModelLoader.load(SmolLM2Weights.path) }
  static func load() throws -> LoadedModel { try model.get() }
}
