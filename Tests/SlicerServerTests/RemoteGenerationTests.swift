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
}
