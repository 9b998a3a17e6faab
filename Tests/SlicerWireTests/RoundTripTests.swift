import SlicerWire
import Testing

@Suite struct RoundTripTests {
  @Test(arguments: Samples.all)
  func decodesWhatItEncodes(_ message: WireMessage) throws {
    let frame = message.encode()
    var decoder = FrameDecoder()
    decoder.append(frame)
    let decoded = try #require(try decoder.nextFrame())
    #expect(decoded.message == message)
    #expect(decoded.byteCount == frame.count)
    #expect(decoder.bufferedByteCount == 0)
    #expect(try decoder.next() == nil)
  }

  @Test func nanLogProbsKeepTheirBits() throws {
    let nan = Float(bitPattern: 0x7FC0_1234)
    let frame = WireMessage.token(
      TokenReply(token: 1, logProb: nan, computeMicroseconds: 0, contextLength: 1)
    ).encode()
    var decoder = FrameDecoder()
    decoder.append(frame)
    guard case .token(let reply) = try decoder.next() else {
      Issue.record("expected TOKEN")
      return
    }
    #expect(reply.logProb.bitPattern == 0x7FC0_1234)
  }

  @Test func allFramesInOneChunk() throws {
    var decoder = FrameDecoder()
    decoder.append(Samples.all.flatMap { $0.encode() })
    var decoded: [WireMessage] = []
    while let message = try decoder.next() { decoded.append(message) }
    #expect(decoded == Samples.all)
    #expect(decoder.bufferedByteCount == 0)
  }

  @Test func oneByteAtATime() throws {
    let stream = Samples.all.flatMap { $0.encode() }
    var decoder = FrameDecoder()
    var decoded: [WireMessage] = []
    for byte in stream {
      decoder.append([byte])
      while let message = try decoder.next() { decoded.append(message) }
    }
    #expect(decoded == Samples.all)
  }

  @Test func truncatedFramesWaitForTheirLastByte() throws {
    for message in Samples.all {
      let frame = message.encode()
      for cut in 0..<frame.count {
        var decoder = FrameDecoder()
        decoder.append(frame[..<cut])
        #expect(try decoder.next() == nil, "\(message.type) cut at \(cut)")
        decoder.append(frame[cut...])
        #expect(try decoder.next() == message)
      }
    }
  }
}
