/// The type byte after a frame's length. The high bit gives the direction: clear for what a
/// client sends, set for what a server sends, so a stray reply sent to a server (or the reverse)
/// is caught by `ProtocolState` before it is acted on.
public enum WireMessageType: UInt8, CaseIterable, Hashable, Sendable, CustomStringConvertible {
  // Client → server.
  case hello = 0x01
  case prefill = 0x02
  case step = 0x03
  case score = 0x04
  case sampling = 0x05
  case reset = 0x06
  case bye = 0x07
  case codec = 0x08
  // Server → client.
  case helloOK = 0x81
  case token = 0x82
  case scores = 0x83
  case ack = 0x84
  case error = 0x85

  /// Whether a client sends this type (otherwise a server does).
  public var isClientMessage: Bool { rawValue & 0x80 == 0 }

  /// The name the spec uses: "HELLO", "STEP", "HELLO_OK"…
  public var name: String {
    switch self {
    case .hello: "HELLO"
    case .prefill: "PREFILL"
    case .step: "STEP"
    case .score: "SCORE"
    case .sampling: "SAMPLING"
    case .reset: "RESET"
    case .bye: "BYE"
    case .codec: "CODEC"
    case .helloOK: "HELLO_OK"
    case .token: "TOKEN"
    case .scores: "SCORES"
    case .ack: "ACK"
    case .error: "ERROR"
    }
  }

  public var description: String { name }
}
