import SlicerWire
import Testing

/// Frames written out by hand from docs/PROTOCOL.md, byte for byte.
@Suite struct EncodingTests {
  @Test func emptyMessagesAreTwoBytes() {
    #expect(WireMessage.reset.encode() == [0x01, 0x06])
    #expect(WireMessage.bye.encode() == [0x01, 0x07])
  }

  @Test func stepIsLengthTypeAndCodecBytes() {
    #expect(
      WireMessage.step(Step(payload: [0xAA, 0xBB, 0xCC])).encode() == [
        0x04, 0x03, 0xAA, 0xBB, 0xCC,
      ])
    // 200 payload bytes: length 201 = 0xC9 → varint [0xC9, 0x01].
    let payload = (0..<200).map { UInt8($0) }
    #expect(WireMessage.step(Step(payload: payload)).encode() == [0xC9, 0x01, 0x03] + payload)
  }

  @Test func stepOverheadIsTwoOrThreeBytes() {
    #expect(Step.frameOverhead(payloadBytes: 0) == 2)
    #expect(Step.frameOverhead(payloadBytes: 126) == 2)
    #expect(Step.frameOverhead(payloadBytes: 127) == 3)
    #expect(Step.frameOverhead(payloadBytes: 16382) == 3)
    #expect(Step.frameOverhead(payloadBytes: 16383) == 4)
    for n in [0, 1, 126, 127, 128, 16382, 16383] {
      let frame = WireMessage.step(Step(payload: Array(repeating: 7, count: n))).encode()
      #expect(frame.count == n + Step.frameOverhead(payloadBytes: n))
    }
  }

  @Test func ack() {
    #expect(WireMessage.ack(Ack(contextLength: 300)).encode() == [0x03, 0x84, 0xAC, 0x02])
  }

  @Test func token() {
    let frame = WireMessage.token(
      TokenReply(token: 50118, logProb: -1.5, computeMicroseconds: 1234, contextLength: 7)
    ).encode()
    #expect(
      frame == [
        0x0B, 0x82,
        0xC6, 0x87, 0x03,  // 50118
        0x00, 0x00, 0xC0, 0xBF,  // -1.5 as f32
        0xD2, 0x09,  // 1234
        0x07,
      ])
  }

  @Test func error() {
    #expect(
      WireMessage.error(WireError(.contextFull, "full")).encode() == [
        0x08, 0x85, 0x09, 0x00, 0x04, 0x66, 0x75, 0x6C, 0x6C,
      ])
  }

  @Test func errorMessagesAreCutToTheStringLimitAtACharacterBoundary() throws {
    let long = String(repeating: "é", count: 600)  // 1200 bytes
    let frame = WireMessage.error(WireError(.internalError, long)).encode()
    var decoder = FrameDecoder()
    decoder.append(frame)
    let decoded = try #require(try decoder.next())
    #expect(decoded == .error(WireError(.internalError, String(repeating: "é", count: 512))))
  }

  @Test func prefill() {
    let message = WireMessage.prefill(Prefill(payloads: [[1], [2, 3]], tokens: [2, 300]))
    #expect(
      message.encode() == [
        0x0B, 0x02,
        0x01,  // flags: token ids present
        0x02,  // n
        0x02, 0x01, 0x01,  // token 2, payload [1]
        0xAC, 0x02, 0x02, 0x02, 0x03,  // token 300, payload [2, 3]
      ])
    let ackOnly = WireMessage.prefill(Prefill(payloads: [[5]], sample: false))
    #expect(ackOnly.encode() == [0x05, 0x02, 0x02, 0x01, 0x01, 0x05])
  }

  @Test func score() {
    let message = WireMessage.score(
      ScoreRequest(payloads: [[9]], targets: [128], wantsDistribution: true))
    #expect(message.encode() == [0x07, 0x04, 0x01, 0x01, 0x80, 0x01, 0x01, 0x09])
  }

  @Test func scoresWithDistributions() {
    let message = WireMessage.scores(
      Scores(
        positions: [ScoredPosition(targetLogProb: -2, argmax: 1)],
        distributions: LogProbTable(vocabularySize: 2, logProbs: [-1, -0.5])))
    #expect(
      message.encode() == [
        0x0D, 0x83,
        0x01, 0x01,  // flags, n
        0x00, 0x00, 0x00, 0xC0, 0x01,  // -2 as f32, argmax 1
        0x02,  // vocabulary size
        0x00, 0xBC, 0x00, 0xB8,  // -1 and -0.5 as binary16
      ])
  }

  @Test func sampling() {
    let message = WireMessage.sampling(
      Sampling(temperature: 2, topK: 40, topP: 0.5, repetitionPenalty: 1, seed: 1))
    #expect(
      message.encode() == [
        0x22, 0x05,
        0, 0, 0, 0, 0, 0, 0x00, 0x40,  // 2.0
        0x28,  // 40
        0, 0, 0, 0, 0, 0, 0xE0, 0x3F,  // 0.5
        0, 0, 0, 0, 0, 0, 0xF0, 0x3F,  // 1.0
        0x01, 0, 0, 0, 0, 0, 0, 0,
      ])
  }

  @Test func codec() {
    #expect(WireMessage.codec("fp16").encode() == [0x06, 0x08, 0x04, 0x66, 0x70, 0x31, 0x36])
  }

  @Test func hello() {
    #expect(
      WireMessage.hello(Samples.hello).encode() == [
        0x49, 0x01,  // length 73, HELLO
        0x53, 0x4C, 0x43, 0x52,  // "SLCR"
        0x01, 0x00,  // version 1
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,  // fingerprint
        0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F,
        0x03, 0x6F, 0x70, 0x74,  // "opt"
        0x04,  // split
        0x80, 0x06,  // hidden size 768
        0x04, 0x66, 0x70, 0x31, 0x36,  // "fp16"
        0, 0, 0, 0, 0, 0, 0, 0,  // temperature 0
        0x00,  // top-k off
        0, 0, 0, 0, 0, 0, 0xF0, 0x3F,  // top-p 1
        0, 0, 0, 0, 0, 0, 0xF0, 0x3F,  // repetition penalty 1
        0x2A, 0, 0, 0, 0, 0, 0, 0,  // seed 42
        0x00,  // max tokens: no hint
        0x80, 0x80, 0x40,  // max reply bytes 2^20
        0x00,  // no auth token
      ])
  }

  @Test func helloOK() {
    let message = WireMessage.helloOK(
      HelloOK(
        server: "s", modelName: "m", layerCount: 12, vocabularySize: 50272,
        limits: ServerLimits(maximumFrameBytes: 4096, maximumContext: 2048, idleTimeoutSeconds: 0)))
    #expect(
      message.encode() == [
        0x14, 0x81,
        0x53, 0x4C, 0x43, 0x52, 0x01, 0x00,
        0x01, 0x73, 0x01, 0x6D,  // "s", "m"
        0x0C,  // 12 layers
        0xE0, 0x88, 0x03,  // 50272
        0x80, 0x20,  // 4096
        0x80, 0x10,  // 2048
        0x00,
      ])
  }
}
