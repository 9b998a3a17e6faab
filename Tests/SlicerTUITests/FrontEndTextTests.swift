import SlicerCodec
import SlicerModel
import SlicerTUI
import Testing

struct FrontEndTextTests {
  @Test func theDefaultModelIsOPTThenSmolLM2WithANotice() {
    func choose(_ present: Set<String>, explicit: String? = nil) -> ModelChoice {
      ModelChoice.resolve(explicit: explicit, exists: present.contains)
    }
    let both: Set = [ModelChoice.optDirectory, ModelChoice.smolDirectory]
    #expect(
      choose(both)
        == ModelChoice(
          path: "Weights/opt-125m",
          notice:
            "Model: OPT-125M (Weights/opt-125m). For the chat model: --model Weights/smollm2-135m-instruct"
        ))
    #expect(
      choose([ModelChoice.optDirectory])
        == ModelChoice(
          path: "Weights/opt-125m",
          notice: "Model: OPT-125M (Weights/opt-125m). For a chat model: slicer fetch smollm2-135m")
    )
    #expect(
      choose([ModelChoice.smolDirectory])
        == ModelChoice(
          path: "Weights/smollm2-135m-instruct",
          notice: "Model: SmolLM2-135M-Instruct. For the paper's OPT-125M: slicer fetch opt-125m"))
    #expect(choose([]) == ModelChoice(path: nil, notice: nil))
    #expect(choose(both, explicit: "m.gguf") == ModelChoice(path: "m.gguf", notice: nil))
  }

  @Test func statsLineSummarizesATurn() {
    var stats = LinkStatistics()
    stats.add(StepFixtures.step(positions: 5, bitsEach: 500), elapsed: 0.1)
    stats.add(StepFixtures.step(bitsEach: 400), elapsed: 0.15)
    stats.add(StepFixtures.step(bitsEach: 300), elapsed: 0.2)
    let model = ModelSummary(name: "tiny", layerCount: 4, hiddenSize: 64, contextLength: 128)
    let settings = ChatSettings(split: 2, codec: .slicer(budget: 1e-3))
    #expect(
      StatsLine.format(
        turn: stats.turn, stop: .endOfSequence, settings: settings, model: model, positionsUsed: 8)
        == "[3 tokens, 20.0 tok/s, first token 100 ms, split 2/4, slicer:0.001 457 bits/token (2.2× below fp16), distortion 1.0e-03 (-30.0 dB), context 8/128, end of answer]"
    )
    var plain = settings
    plain.codec = .none
    #expect(
      StatsLine.format(
        turn: stats.turn, stop: .contextFull, settings: plain, model: model, positionsUsed: 128,
        endpoint: .remote(host: "gpu", port: 7070))
        == "[3 tokens, 20.0 tok/s, first token 100 ms, split 2/4, tail gpu:7070, no codec (fp32 floats), context 128/128, context full: /reset starts a new conversation]"
    )
  }
}
