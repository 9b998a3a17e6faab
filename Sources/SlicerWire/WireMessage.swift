/// Every message of protocol version 1, and its framing (docs/PROTOCOL.md):
///
///     +----------------+--------+---------------------+
///     | length: varint | type   | payload             |
///     | (type+payload) | 1 byte | length − 1 bytes    |
///     +----------------+--------+---------------------+
///
/// Client → server: HELLO, PREFILL, STEP, SCORE, SAMPLING, CODEC, RESET, BYE.
/// Server → client: HELLO_OK, TOKEN, SCORES, ACK, ERROR — one reply per request, in order.
public enum WireMessage: Equatable, Sendable {
  case hello(Hello)
  case prefill(Prefill)
  case step(Step)
  case score(ScoreRequest)
  /// New sampling parameters for the rest of the session; answered with ACK.
  case sampling(Sampling)
  /// Another codec (by name, e.g. "slicer:1e-3") for the payloads of the following messages;
  /// answered with ACK, or a `badCodec` ERROR that leaves the session on its old codec.
  case codec(String)
  /// Empty the session's context (keep the session); answered with ACK(0).
  case reset
  /// The client is done; the server closes the connection after its pending replies.
  case bye
  case helloOK(HelloOK)
  case token(TokenReply)
  case scores(Scores)
  case ack(Ack)
  /// Code u16 + message string. The encoder cuts a message longer than
  /// `WireLimits.maximumStringBytes` at a character boundary, so an error can always be sent.
  case error(WireError)

  public var type: WireMessageType {
    switch self {
    case .hello: .hello
    case .prefill: .prefill
    case .step: .step
    case .score: .score
    case .sampling: .sampling
    case .codec: .codec
    case .reset: .reset
    case .bye: .bye
    case .helloOK: .helloOK
    case .token: .token
    case .scores: .scores
    case .ack: .ack
    case .error: .error
    }
  }

  /// The reply a server sends to this request when it succeeds (it may always send ERROR
  /// instead); nil for BYE and for server messages. A client that gets another type has lost
  /// sync with the server and should reconnect.
  public var expectedReply: WireMessageType? {
    switch self {
    case .hello: .helloOK
    case .prefill(let m): m.sample ? .token : .ack
    case .step: .token
    case .score: .scores
    case .sampling, .codec, .reset: .ack
    case .bye, .helloOK, .token, .scores, .ack, .error: nil
    }
  }

  /// The whole frame: length prefix, type byte, payload.
  public func encode() -> [UInt8] {
    var bytes: [UInt8] = []
    encode(into: &bytes)
    return bytes
  }

  /// Appends the whole frame to `bytes`.
  public func encode(into bytes: inout [UInt8]) {
    if case .step(let step) = self {
      // The per-token hot path: no intermediate payload buffer.
      Varint.append(UInt64(step.payload.count + 1), to: &bytes)
      bytes.append(WireMessageType.step.rawValue)
      bytes.append(contentsOf: step.payload)
      return
    }
    var w = ByteWriter()
    writePayload(to: &w)
    Varint.append(UInt64(w.bytes.count + 1), to: &bytes)
    bytes.append(type.rawValue)
    bytes.append(contentsOf: w.bytes)
  }

  private func writePayload(to w: inout ByteWriter) {
    switch self {
    case .hello(let m): m.write(to: &w)
    case .prefill(let m): m.write(to: &w)
    case .step(let m): w.bytes(m.payload)
    case .score(let m): m.write(to: &w)
    case .sampling(let m): m.write(to: &w)
    case .codec(let name): w.string(name)
    case .reset, .bye: break
    case .helloOK(let m): m.write(to: &w)
    case .token(let m): m.write(to: &w)
    case .scores(let m): m.write(to: &w)
    case .ack(let m): w.varint(m.contextLength)
    case .error(let e):
      w.u16(e.code.rawValue)
      w.string(Self.truncated(e.message, toUTF8Bytes: WireLimits.maximumStringBytes))
    }
  }

  /// Decodes one payload (the frame without its length prefix and type byte).
  static func decode(
    type: WireMessageType, _ bytes: [UInt8], from start: Int, to end: Int
  ) throws(WireError) -> WireMessage {
    var r = ByteReader(bytes, from: start, to: end, type: type)
    let message: WireMessage
    switch type {
    case .hello: message = .hello(try Hello(reading: &r))
    case .prefill: message = .prefill(try Prefill(reading: &r))
    case .step: message = .step(Step(payload: try r.bytes(r.remaining, "payload")))
    case .score: message = .score(try ScoreRequest(reading: &r))
    case .sampling: message = .sampling(try Sampling(reading: &r))
    case .codec: message = .codec(try r.string("codec"))
    case .reset: message = .reset
    case .bye: message = .bye
    case .helloOK: message = .helloOK(try HelloOK(reading: &r))
    case .token: message = .token(try TokenReply(reading: &r))
    case .scores: message = .scores(try Scores(reading: &r))
    case .ack:
      message = .ack(
        Ack(contextLength: try r.int("context length", max: WireLimits.maximumTokenID)))
    case .error:
      let code = WireErrorCode(rawValue: try r.u16("code"))
      message = .error(WireError(code, try r.string("message")))
    }
    try r.expectEnd()
    return message
  }

  /// The longest prefix of `string` whose UTF-8 fits `limit` bytes.
  static func truncated(_ string: String, toUTF8Bytes limit: Int) -> String {
    guard string.utf8.count > limit else { return string }
    var result = ""
    var used = 0
    for character in string {
      let size = character.utf8.count
      if used + size > limit { break }
      result.append(character)
      used += size
    }
    return result
  }
}
