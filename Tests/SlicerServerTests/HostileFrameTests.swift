import Foundation
import SlicerCodec
import SlicerModel
import SlicerServer
import SlicerWire
import Testing

/// Garbage, truncated, oversized and out-of-order frames: the server answers (or closes) that
/// one connection, never crashes, and every other session goes on.
@Suite struct HostileFrameTests {
  let loaded: LoadedModel
  let running: RunningServer
  let fingerprint: ModelFingerprint

  init() throws {
    loaded = try TinyOPT.load()
    running = try RunningServer(model: loaded.model) {
      $0.idleTimeoutSeconds = 1
      $0.maximumContext = 16
    }
    fingerprint = ModelFingerprint(model: loaded.model)
  }

  func hello(split: Int = 2, codec: String = "fp16", maxReply: Int = 1 << 20) -> WireMessage {
    .hello(
      Hello(
        fingerprint: fingerprint, modelName: "tiny-opt", split: split, hiddenSize: 64,
        codec: codec, maximumReplyBytes: maxReply))
  }

  /// An fp16 payload for d = 64.
  let payload = [UInt8](repeating: 0x3C, count: 128)

  func opened(maxReply: Int = 1 << 20) throws -> RawClient {
    let client = try RawClient(running.endpoint)
    guard case .helloOK? = try client.request(hello(maxReply: maxReply)) else {
      throw CocoaError(.featureUnsupported)
    }
    return client
  }

  @Test func hostileConnectionsAreClosedAndOthersGoOn() throws {
    defer { running.stop() }
    // A session opened before the attacks, used after them.
    let prompt = [2, 100, 200, 300]
    let meter = WireMeter()
    let survivor = try remoteTail(
      running.endpoint, loaded, split: 2, codec: .fp16, options: testOptions(meter: meter))

    // Garbage: an HTTP request fails at its second byte ('E' is no message type).
    var client = try RawClient(running.endpoint)
    try client.send(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
    #expect(
      try client.expectClosingError()
        == WireError(
          .unknownMessageType,
          "unknown message type 0x45: the peer does not speak slicer protocol version 1"))

    // Oversized: a length of 2^28 is refused before any payload arrives.
    client = try RawClient(running.endpoint)
    try client.send([0x80, 0x80, 0x80, 0x80, 0x01, 0x01, 0x00])
    #expect(
      try client.expectClosingError()
        == WireError(
          .frameTooLarge,
          "a frame of at least 268435456 bytes exceeds this side's limit of 1048576 bytes per frame"
        ))

    // Truncated: half a HELLO waits for the rest, then for the idle timeout.
    client = try RawClient(running.endpoint)
    try client.send(Array(hello().encode().prefix(20)))
    #expect(
      try client.expectClosingError()
        == WireError(.idleTimeout, "no request for 1 s; the session is closed"))

    // Out of order: STEP first; STEP on an empty context; a second HELLO; a server message.
    client = try RawClient(running.endpoint)
    try client.send(.step(Step(payload: payload)))
    #expect(
      try client.expectClosingError()
        == WireError(.unexpectedMessage, "expected HELLO as the first message, got STEP"))
    client = try opened()
    try client.send(.step(Step(payload: payload)))
    #expect(
      try client.expectClosingError()
        == WireError(
          .unexpectedMessage, "STEP on an empty context: send the prompt with PREFILL first"))
    client = try opened()
    try client.send(hello())
    #expect(
      try client.expectClosingError()
        == WireError(.unexpectedMessage, "a second HELLO; the session is already open"))
    client = try opened()
    try client.send(.ack(Ack(contextLength: 3)))
    #expect(
      try client.expectClosingError()
        == WireError(.unexpectedMessage, "ACK is a server message; a client cannot send it"))

    // Malformed: a PREFILL claiming 2^32 positions in 7 bytes; a HELLO without the magic.
    client = try opened()
    try client.send([0x07, 0x02, 0x01, 0x80, 0x80, 0x80, 0x80, 0x10])
    #expect(try client.expectClosingError()?.code == .malformedFrame)
    client = try RawClient(running.endpoint)
    var bytes = hello().encode()
    bytes[2] = UInt8(ascii: "X")
    try client.send(bytes)
    #expect(try client.expectClosingError()?.code == .badMagic)

    // Another version.
    client = try RawClient(running.endpoint)
    bytes = hello().encode()
    bytes[6] = 2
    try client.send(bytes)
    #expect(
      try client.expectClosingError()
        == WireError(
          .versionMismatch,
          "the client speaks protocol version 2 but this server speaks version 1; run the same slicer release on both sides"
        ))

    // The session opened before the attacks finishes its generation as if nothing happened.
    // (Idle through them — the truncated frame alone waits out the 1 s timeout — it was closed
    // with idleTimeout too, and its first request reconnected.)
    let remote = try generate(
      loaded, split: 2, codec: .fp16, prompt: prompt, maxTokens: 10, transport: survivor)
    let local = try generate(loaded, split: 2, codec: .fp16, prompt: prompt, maxTokens: 10)
    #expect(remote == local)
    let errors = running.server.metrics.snapshot.errors
    #expect(errors["unexpectedMessage"] == 4)
    #expect(errors["idleTimeout"] == 2)
    #expect(meter.reconnects == 1)
  }

  @Test func rejectedRequestsLeaveTheSessionUsable() throws {
    defer { running.stop() }
    let client = try opened(maxReply: 4096)
    // A payload of the wrong length for fp16.
    guard
      case .error(let bad)? = try client.request(
        .prefill(Prefill(payloads: [[1, 2, 3]], tokens: [5])))
    else {
      Issue.record("a bad payload was not answered with ERROR")
      return
    }
    #expect(bad.code == .badPayload)
    #expect(bad.message.hasPrefix("position 0's payload does not decode as fp16: "))
    #expect(
      try client.request(.prefill(Prefill(payloads: [payload], tokens: [60_000])))
        == .error(
          WireError(.badToken, "token 60000 of position 0 is not below the vocabulary size 50272")))
    let tooMany = Prefill(
      payloads: Array(repeating: payload, count: 17), tokens: Array(repeating: 5, count: 17))
    #expect(
      try client.request(.prefill(tooMany))
        == .error(
          WireError(
            .contextFull,
            "the context is full: 0 positions + 17 new exceed the server's limit of 16; send RESET or start a new conversation"
          )))
    let distributions = ScoreRequest(payloads: [payload], targets: [5], wantsDistribution: true)
    #expect(
      try client.request(.score(distributions))
        == .error(
          WireError(
            .replyTooLarge,
            "the reply would take up to 100574 bytes, above the client's limit of 4096; ask for fewer positions at a time"
          )))
    #expect(
      try client.request(.codec("slicr:1e-3"))
        == .error(
          WireError(
            .badCodec, "unknown codec \"slicr:1e-3\"; this server knows \(CodecSpec.validForms)")))
    // Nothing changed: the session takes a prompt and steps.
    guard
      case .token(let first)? = try client.request(
        .prefill(Prefill(payloads: [payload, payload], tokens: [2, 7])))
    else {
      Issue.record("no TOKEN after the rejected requests")
      return
    }
    #expect(first.contextLength == 2)
    guard case .token(let second)? = try client.request(.step(Step(payload: payload))) else {
      Issue.record("no TOKEN for STEP")
      return
    }
    #expect(second.contextLength == 3)
    #expect(try client.request(.reset) == .ack(Ack(contextLength: 0)))
    try client.send(.bye)
    #expect(try client.receive() == nil)
  }

  @Test func sessionsBeyondTheLimitAreRefused() throws {
    running.stop()
    let small = try RunningServer(model: loaded.model) { $0.maximumSessions = 1 }
    defer { small.stop() }
    let first = try remoteTail(small.endpoint, loaded, split: 1, codec: .none)
    #expect(
      throws: RemoteTailError.refused(
        endpoint: small.endpoint.description,
        WireError(
          .tooManySessions, "the server already holds its limit of 1 sessions; try again later"))
    ) {
      try remoteTail(small.endpoint, loaded, split: 1, codec: .none)
    }
    first.close()
  }
}
