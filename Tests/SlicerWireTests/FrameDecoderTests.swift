import SlicerWire
import Testing

/// What the decoder does with bytes that are not a valid frame.
@Suite struct FrameDecoderTests {
  /// Feeds `bytes` and returns the error the decoder throws (nil if it throws none).
  func error(decoding bytes: [UInt8], maximumFrameBytes: Int = 4096) -> WireError? {
    var decoder = FrameDecoder(maximumFrameBytes: maximumFrameBytes)
    decoder.append(bytes)
    do {
      while try decoder.next() != nil {}
      return nil
    } catch {
      return error
    }
  }

  @Test func oversizedLengthFailsBeforeThePayloadArrives() {
    // 4097 = [0x81, 0x20]; no payload byte follows.
    let e = error(decoding: [0x81, 0x20])
    #expect(e?.code == .frameTooLarge)
    #expect(
      e?.message
        == "a frame of at least 4097 bytes exceeds this side's limit of 4096 bytes per frame")
  }

  @Test func oversizedLengthFailsBeforeItsVarintIsComplete() {
    // The first groups already say ≥ 2^20 + 1; the varint has not ended.
    var decoder = FrameDecoder(maximumFrameBytes: 4096)
    decoder.append([0x81, 0x80, 0xC0])
    #expect(throws: WireError.self) { try decoder.next() }
  }

  @Test func theLimitItselfIsAccepted() throws {
    var decoder = FrameDecoder(maximumFrameBytes: 4096)
    let frame = WireMessage.step(Step(payload: Array(repeating: 1, count: 4095))).encode()
    decoder.append(frame)
    #expect(try decoder.nextFrame()?.byteCount == 4096 + 2)
  }

  @Test func varintLongerThan64BitsIsMalformed() {
    let e = error(decoding: Array(repeating: 0x80, count: 9) + [0x02], maximumFrameBytes: .max)
    #expect(e?.code == .malformedFrame)
    #expect(e?.message == "malformed frame: the frame length is invalid: a varint exceeds 64 bits")
  }

  @Test func nonCanonicalVarintIsMalformed() {
    #expect(error(decoding: [0x81, 0x00, 0x06])?.code == .malformedFrame)
    // Inside a payload too: ACK with context length [0x80, 0x00].
    let e = error(decoding: [0x03, 0x84, 0x80, 0x00])
    #expect(
      e?.message
        == "malformed ACK frame: context length: a varint has a redundant trailing zero byte")
  }

  @Test func zeroLengthIsMalformed() {
    #expect(error(decoding: [0x00])?.code == .malformedFrame)
  }

  @Test func unknownTypeFailsAsSoonAsItsByteArrives() {
    // "GET / HTTP/1.1": length 'G' = 71, type 'E' = 0x45 — rejected without waiting for 70 bytes.
    let e = error(decoding: Array("GE".utf8))
    #expect(e?.code == .unknownMessageType)
    #expect(
      e?.message == "unknown message type 0x45: the peer does not speak slicer protocol version 1")
  }

  @Test func badMagic() {
    var frame = WireMessage.hello(Samples.hello).encode()
    frame[2] = UInt8(ascii: "X")
    let e = error(decoding: frame)
    #expect(e?.code == .badMagic)
    #expect(
      e?.message
        == "the client does not speak the slicer protocol: its HELLO starts with [58 4c 43 52], not \"SLCR\""
    )
    #expect(error(decoding: [0x02, 0x01, 0x53])?.code == .badMagic)
  }

  @Test func versionMismatchNamesBothVersions() {
    var hello = WireMessage.hello(Samples.hello).encode()
    hello[6] = 2
    #expect(
      error(decoding: hello)
        == WireError(
          .versionMismatch,
          "the client speaks protocol version 2 but this server speaks version 1; run the same slicer release on both sides"
        ))
    var ok = WireMessage.helloOK(Samples.helloOK).encode()
    ok[6] = 0
    ok[7] = 1  // version 256
    #expect(
      error(decoding: ok)?.message.hasPrefix("the server speaks protocol version 256") == true)
  }

  @Test func truncatedPayloadIsMalformed() {
    // A TOKEN whose declared length holds only the token id and half the log-prob.
    let e = error(decoding: [0x04, 0x82, 0x05, 0x00, 0x00])
    #expect(e?.message == "malformed TOKEN frame: log-prob needs 4 bytes but only 2 remain")
  }

  @Test func trailingBytesAreMalformed() {
    #expect(
      error(decoding: [0x02, 0x06, 0x00])?.message
        == "malformed RESET frame: 1 unexpected bytes after the last field")
  }

  @Test func hugeCountsAreBoundedByTheFrame() {
    // PREFILL claiming 2^32 positions in a 7-byte frame.
    let e = error(decoding: [0x08, 0x02, 0x00, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00])
    #expect(
      e?.message == "malformed PREFILL frame: position count is 4294967296 but only 1 bytes remain")
    // SCORES claiming 3 positions × 2^30 vocabulary.
    let scores: [UInt8] = [0x01, 0x01, 0, 0, 0, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x04]
    #expect(
      error(decoding: [UInt8(scores.count + 1), 0x83] + scores)?.message
        == "malformed SCORES frame: 1 positions × vocabulary size 1073741824 do not fit the 0 bytes left"
    )
  }

  @Test func payloadLengthBeyondTheFrameIsMalformed() {
    // PREFILL, 1 position, payload length 100 in a 4-byte frame.
    #expect(
      error(decoding: [0x04, 0x02, 0x00, 0x01, 0x64])?.message
        == "malformed PREFILL frame: payload of position 0 is 100 bytes but only 0 remain")
  }

  @Test func invalidUTF8IsMalformed() {
    #expect(
      error(decoding: [0x06, 0x85, 0x01, 0x00, 0x02, 0xC3, 0x28])?.message
        == "malformed ERROR frame: message is not valid UTF-8")
  }

  @Test func overlongStringIsMalformed() {
    // ERROR with a 1025-byte message.
    let frame: [UInt8] =
      [0x86, 0x08, 0x85, 0x11, 0x00, 0x81, 0x08] + Array(repeating: 0x41, count: 1025)
    #expect(
      error(decoding: frame)?.message
        == "malformed ERROR frame: message is 1025 bytes, above the limit of 1024")
  }

  @Test func unknownFlagBitsAreMalformed() {
    #expect(
      error(decoding: [0x05, 0x02, 0x04, 0x01, 0x01, 0x00])?.message
        == "malformed PREFILL frame: flags has unknown bits set (0x4)")
  }

  @Test func invalidSamplingIsMalformed() {
    var w = WireMessage.sampling(Sampling(topP: 1)).encode()
    // top-p (bytes 11…18 of the frame) := 0.
    for i in 11...18 { w[i] = 0 }
    #expect(
      error(decoding: w)?.message == "malformed SAMPLING frame: top-p must be in (0, 1], got 0.0")
  }

  @Test func tooSmallLimitsAreMalformed() {
    var hello = Samples.hello
    hello.maximumReplyBytes = 100
    #expect(
      error(decoding: WireMessage.hello(hello).encode())?.message
        == "malformed HELLO frame: max reply bytes is 100, below the minimum of 2048")
  }

  @Test func aFailedDecoderStaysFailed() {
    var decoder = FrameDecoder()
    decoder.append([0x00])
    #expect(throws: WireError.self) { try decoder.next() }
    decoder.append(WireMessage.reset.encode())
    #expect(decoder.hasFailed)
    #expect(decoder.bufferedByteCount == 0)
    #expect(throws: WireError.self) { try decoder.next() }
  }

  @Test func framesAfterAPartialOneKeepTheirOrder() throws {
    var decoder = FrameDecoder()
    let reset = WireMessage.reset.encode()
    let step = WireMessage.step(Step(payload: [1, 2])).encode()
    decoder.append(reset + step.prefix(2))
    #expect(try decoder.next() == .reset)
    #expect(try decoder.next() == nil)
    #expect(decoder.bufferedByteCount == 2)
    decoder.append(step.dropFirst(2) + reset)
    #expect(try decoder.next() == .step(Step(payload: [1, 2])))
    #expect(try decoder.next() == .reset)
    #expect(try decoder.next() == nil)
  }
}
