/// The server's view of one connection: which messages may come next, and how long the
/// session's context is. Pure and synchronous, so the order rules are tested without sockets.
///
///     awaitingHello ──HELLO──► open ──BYE──► closed
///                               │ PREFILL, SCORE: context += n
///                               │ STEP (context > 0): context += 1
///                               │ RESET: context = 0;  SAMPLING, CODEC
///
/// Use it in two steps, because the server may still fail to handle a valid message (a codec
/// payload that does not decode, a fingerprint that does not match):
///
///     try state.check(message)     // throws unexpectedMessage / contextFull; changes nothing
///     …handle it…
///     state.apply(message)         // only once it succeeded
public struct ProtocolState: Equatable, Sendable {
  public enum Phase: Equatable, Sendable {
    case awaitingHello
    case open
    case closed
  }

  public private(set) var phase = Phase.awaitingHello
  /// Positions the session's tail KV cache holds.
  public private(set) var contextLength = 0
  /// The session's context limit (the server's `ServerLimits.maximumContext`).
  public var maximumContext: Int

  public init(maximumContext: Int = .max) {
    self.maximumContext = maximumContext
  }

  /// Throws if `message` may not come now, or would take the context past its limit.
  public func check(_ message: WireMessage) throws(WireError) {
    let type = message.type
    guard type.isClientMessage else {
      throw WireError(
        .unexpectedMessage, "\(type.name) is a server message; a client cannot send it")
    }
    switch phase {
    case .closed:
      throw WireError(.unexpectedMessage, "\(type.name) after BYE: the session is closed")
    case .awaitingHello:
      guard type == .hello else {
        throw WireError(
          .unexpectedMessage, "expected HELLO as the first message, got \(type.name)")
      }
    case .open:
      switch message {
      case .hello:
        throw WireError(.unexpectedMessage, "a second HELLO; the session is already open")
      case .step where contextLength == 0:
        throw WireError(
          .unexpectedMessage, "STEP on an empty context: send the prompt with PREFILL first")
      case .step: try checkRoom(for: 1)
      case .prefill(let m): try checkRoom(for: m.payloads.count)
      case .score(let m): try checkRoom(for: m.payloads.count)
      default: break
      }
    }
  }

  /// Records that the server handled `message` (which passed `check`).
  public mutating func apply(_ message: WireMessage) {
    switch message {
    case .hello: phase = .open
    case .prefill(let m): contextLength += m.payloads.count
    case .score(let m): contextLength += m.payloads.count
    case .step: contextLength += 1
    case .reset: contextLength = 0
    case .bye: phase = .closed
    default: break
    }
  }

  /// After a fatal error (`WireErrorCode.closesConnection`) or a dropped connection.
  public mutating func close() { phase = .closed }

  private func checkRoom(for positions: Int) throws(WireError) {
    guard positions <= maximumContext - contextLength else {
      throw WireError(
        .contextFull,
        "the context is full: \(contextLength) positions + \(positions) new exceed the server's "
          + "limit of \(maximumContext); send RESET or start a new conversation")
    }
  }
}
