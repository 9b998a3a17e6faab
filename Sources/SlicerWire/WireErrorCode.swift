/// What went wrong, as the 16-bit code an ERROR frame carries (docs/PROTOCOL.md, "ERROR").
///
/// Codes are never reused or renumbered; a code this build does not know decodes as
/// `unrecognized(code)` so a newer server's errors still reach the user with their message.
public enum WireErrorCode: Hashable, Sendable, CustomStringConvertible {
  /// A HELLO payload does not start with "SLCR": the peer does not speak this protocol.
  case badMagic
  /// The peer speaks another protocol version.
  case versionMismatch
  /// Client and server run different weights (or a different model).
  case fingerprintMismatch
  /// The split layer is outside `1..<layerCount`, or the hidden size is not the model's.
  case badSplit
  /// The server does not know (or does not allow) the codec named in HELLO.
  case badCodec
  /// The auth token is missing or wrong.
  case unauthorized
  /// A frame is longer than the receiver's `maximumFrameBytes`.
  case frameTooLarge
  /// The server already holds its maximum number of sessions.
  case tooManySessions
  /// The request would take the session past the server's context limit (RESET and go on).
  case contextFull
  /// The connection was idle for longer than the server's idle timeout.
  case idleTimeout
  /// A frame does not parse: bad varint, truncated field, invalid UTF-8, bad flag bits…
  case malformedFrame
  /// A frame's type byte is not one this version defines.
  case unknownMessageType
  /// A well-formed message at the wrong time (STEP before PREFILL, a second HELLO…).
  case unexpectedMessage
  /// The codec could not decode a position's payload (the request is rejected whole).
  case badPayload
  /// A token id (PREFILL token, SCORE target) is not in the model's vocabulary.
  case badToken
  /// The reply would exceed the client's `maximumReplyBytes` (ask for fewer positions).
  case replyTooLarge
  /// The server failed while handling a request.
  case internalError
  /// The server is shutting down.
  case shuttingDown
  /// A code this build does not know.
  case unrecognized(UInt16)

  public init(rawValue: UInt16) {
    self = Self.known.first { $0.rawValue == rawValue } ?? .unrecognized(rawValue)
  }

  /// Every code this build knows, in numeric order.
  public static let known: [WireErrorCode] = [
    .badMagic, .versionMismatch, .fingerprintMismatch, .badSplit, .badCodec, .unauthorized,
    .frameTooLarge, .tooManySessions, .contextFull, .idleTimeout, .malformedFrame,
    .unknownMessageType, .unexpectedMessage, .badPayload, .badToken, .replyTooLarge,
    .internalError, .shuttingDown,
  ]

  public var rawValue: UInt16 {
    switch self {
    case .badMagic: 1
    case .versionMismatch: 2
    case .fingerprintMismatch: 3
    case .badSplit: 4
    case .badCodec: 5
    case .unauthorized: 6
    case .frameTooLarge: 7
    case .tooManySessions: 8
    case .contextFull: 9
    case .idleTimeout: 10
    case .malformedFrame: 11
    case .unknownMessageType: 12
    case .unexpectedMessage: 13
    case .badPayload: 14
    case .badToken: 15
    case .replyTooLarge: 16
    case .internalError: 17
    case .shuttingDown: 18
    case .unrecognized(let code): code
    }
  }

  /// Whether the server closes the connection after sending this error. The others reject one
  /// request and leave the session as it was, so the client may go on (e.g. RESET after
  /// `contextFull`, another codec after `badCodec` in answer to CODEC). An ERROR answering HELLO
  /// always closes the connection, whatever its code. Unknown codes count as fatal.
  public var closesConnection: Bool {
    switch self {
    case .badSplit, .badCodec, .contextFull, .badPayload, .badToken, .replyTooLarge: false
    default: true
    }
  }

  public var description: String {
    switch self {
    case .badMagic: "badMagic"
    case .versionMismatch: "versionMismatch"
    case .fingerprintMismatch: "fingerprintMismatch"
    case .badSplit: "badSplit"
    case .badCodec: "badCodec"
    case .unauthorized: "unauthorized"
    case .frameTooLarge: "frameTooLarge"
    case .tooManySessions: "tooManySessions"
    case .contextFull: "contextFull"
    case .idleTimeout: "idleTimeout"
    case .malformedFrame: "malformedFrame"
    case .unknownMessageType: "unknownMessageType"
    case .unexpectedMessage: "unexpectedMessage"
    case .badPayload: "badPayload"
    case .badToken: "badToken"
    case .replyTooLarge: "replyTooLarge"
    case .internalError: "internalError"
    case .shuttingDown: "shuttingDown"
    case .unrecognized(let code): "error \(code)"
    }
  }
}
