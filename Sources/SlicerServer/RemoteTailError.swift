import SlicerWire

/// Why a remote tail failed, each a one-line sentence naming the server.
public enum RemoteTailError: Error, Equatable, CustomStringConvertible {
  /// The first connection could not be made.
  case cannotConnect(endpoint: String, reason: String)
  /// The server answered with an ERROR that ends the session (or refused HELLO).
  case refused(endpoint: String, WireError)
  /// The server went away and did not come back within the retry policy.
  case serverGone(endpoint: String, attempts: Int, reason: String)
  /// The server's answer does not fit the request (a bug or a foreign server).
  case protocolViolation(endpoint: String, String)
  /// The server speaks another protocol version (or not this protocol at all).
  case incompatible(endpoint: String, WireError)
  /// A request cannot be sent within the server's limits.
  case unsendable(String)

  public var description: String {
    switch self {
    case .cannotConnect(let endpoint, let reason):
      return
        "cannot reach the tail server at \(endpoint): \(reason); is `slicer serve` running there?"
    case .refused(let endpoint, let error):
      return "the tail server at \(endpoint) said: \(error)"
    case .serverGone(let endpoint, let attempts, let reason):
      return "lost the tail server at \(endpoint) (\(reason)) and could not reconnect in "
        + "\(attempts) attempts; the conversation is kept by the client, retry later"
    case .protocolViolation(let endpoint, let detail):
      return "the tail server at \(endpoint) broke the protocol: \(detail)"
    case .incompatible(let endpoint, let error):
      return "the tail server at \(endpoint) is incompatible: \(error)"
    case .unsendable(let detail):
      return detail
    }
  }
}
