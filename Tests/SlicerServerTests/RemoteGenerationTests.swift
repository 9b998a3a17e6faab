import Foundation
import SlicerCodec
import SlicerModel
import SlicerServer
import SlicerWire
import Testing

/// Greedy generation gives the same tokens through a real server on loopback as in process.
@Suite struct RemoteGenerationTests {
  static let prompt = [2, 133, 2119, 6219, 23602, 4]

  @Test(arguments: [1, 2, 3], ["none", "fp16", "int8", "slicer:0.001"])
  func remoteTailMatchesInProcess(split: Int, codecName: String) throws {
    let loaded = try TinyOPT.load()
    let codec = try CodecSpec(parsing: codecName)
    let running = try RunningServer(model: loaded.model)
    defer { running.stop() }
    let local = try generate(loaded, split: split, codec: codec, prompt: Self.prompt, maxTokens: 16)
    let remote = try generate(
      loaded, split: split, codec: codec, prompt: Self.prompt, maxTokens: 16,
      transport: remoteTail(running.endpoint, loaded, split: split, codec: codec))
    #expect(remote == local)
    #expect(local.count == 16)
  }

  @Test func samplingWithASeedMatchesToo() throws {
    let loaded = try TinyOPT.load()
    let sampling = SamplingParameters(
      temperature: 0.8, topK: 40, topP: 0.9, repetitionPenalty: 1.3, seed: 11)
    let running = try RunningServer(model: loaded.model)
    defer { running.stop() }
    let local = try generate(
      loaded, split: 2, codec: .fp16, prompt: Self.prompt, maxTokens: 20, sampling: sampling)
    let remote = try generate(
      loaded, split: 2, codec: .fp16, prompt: Self.prompt, maxTokens: 20, sampling: sampling,
      transport: remoteTail(running.endpoint, loaded, split: 2, codec: .fp16, sampling: sampling))
    #expect(remote == local)
  }

  @Test func stepsCostTheCodecBytesPlusTwoBytesOfFraming() throws {
    let loaded = try TinyOPT.load()
    let running = try RunningServer(model: loaded.model)
    defer { running.stop() }
    let meter = WireMeter()
    let tail = try remoteTail(
      running.endpoint, loaded, split: 2, codec: .fp16, options: testOptions(meter: meter))
    _ = try generate(
      loaded, split: 2, codec: .fp16, prompt: Self.prompt, maxTokens: 5, transport: tail)
    let stats = meter.stats
    // fp16 at d = 64 is 128 bytes: 2-byte length varint + type byte.
    #expect(stats.sent[.step] == WireStats.Counter(frames: 4, bytes: 4 * (128 + 3)))
    #expect(stats.sent[.hello]?.frames == 1)
    #expect(stats.sent[.prefill]?.frames == 1)
    #expect(stats.received[.token]?.frames == 5)
    #expect(meter.lastExchange.sentBytes == 131)
  }

  @Test func longPromptsAndScoresTravelInSeveralFrames() throws {
    let loaded = try TinyOPT.load()
    // 2 KiB frames hold 15 fp16 positions of d = 64 (130 bytes with ids and lengths).
    let running = try RunningServer(model: loaded.model) { $0.maximumFrameBytes = 2048 }
    defer { running.stop() }
    let prompt = (0..<40).map { ($0 * 7919 + 3) % 50_000 + 4 }
    let meter = WireMeter()
    let tail = try remoteTail(
      running.endpoint, loaded, split: 2, codec: .fp16, options: testOptions(meter: meter))
    let remote = try generate(
      loaded, split: 2, codec: .fp16, prompt: prompt, maxTokens: 6, transport: tail)
    #expect(remote == (try generate(loaded, split: 2, codec: .fp16, prompt: prompt, maxTokens: 6)))
    #expect(meter.stats.sent[.prefill]?.frames == 3)
    #expect(meter.stats.received[.ack]?.frames == 2)

    let evaluator = PerplexityEvaluator(
      model: loaded.model, split: 2, contextLength: 64, codec: .fp16)
    var scoring = try remoteTail(running.endpoint, loaded, split: 2, codec: .fp16)
    let local = try evaluator.evaluate(prompt + prompt)
    let through = try evaluator.evaluate(prompt + prompt, transport: scoring)
    #expect(through.tokens == local.tokens)
    #expect(abs(through.meanNLL - local.meanNLL) < 1e-5)
    // After scoring, the conversation is rebuilt (RESET) before the next prefill.
    var head = try SplitHead(model: loaded.model, split: 2)
    let (payloads, _) = LinkEncoder(.fp16).encode(try head.forward(Array(prompt.prefix(5))))
    let reply = try scoring.prefill(payloads, tokens: Array(prompt.prefix(5)))
    var local5 = try LocalTail(model: loaded.model, split: 2, codec: .fp16, sampling: .greedy)
    #expect(reply.token == (try local5.prefill(payloads, tokens: Array(prompt.prefix(5)))).token)
  }

  @Test(.enabled(if: SmolLM2.isPresent, "SmolLM2 not in Weights/"))
  func smolLM2ThroughTheServer() throws {
    let loaded = try SmolLM2.load()
    let running = try RunningServer(model: loaded.model)
    defer { running.stop() }
    let prompt = loaded.promptIDs("What is the capital of France?")
    for (split, codec) in [(10, CodecSpec.fp16), (22, .slicer(budget: 0.01))] {
      let local = try generate(loaded, split: split, codec: codec, prompt: prompt, maxTokens: 6)
      let remote = try generate(
        loaded, split: split, codec: codec, prompt: prompt, maxTokens: 6,
        transport: remoteTail(running.endpoint, loaded, split: split, codec: codec))
      #expect(remote == local)
    }
  }
}
