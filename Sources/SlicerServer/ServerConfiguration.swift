import SlicerWire

/// How `slicer serve` listens, what it allows, and how it batches.
public struct ServerConfiguration: Sendable {
  /// The address to bind. Anything but loopback needs an auth token (`validate`).
  public var host: String
  /// 0 asks the system for a free port (tests); the bound port is `TailServer.port`.
  public var port: Int
  /// Sessions (connections that passed HELLO) held at once; more are refused `tooManySessions`.
  public var maximumSessions: Int
  /// The secret every HELLO must carry; nil accepts any client.
  public var authToken: String?
  /// The longest frame the server accepts (announced in HELLO_OK).
  public var maximumFrameBytes: Int
  /// The most positions one session may hold; capped at the model's context length.
  public var maximumContext: Int
  /// Seconds without a request before a session is closed; 0 = never.
  public var idleTimeoutSeconds: Int
  /// Whether decode steps of different sessions run through the tail together.
  public var batching: Bool
  /// How long the first STEP of a batch waits for others (when not every session has one queued).
  public var batchWindowMicroseconds: Int
  /// The most rows in one batch.
  public var maximumBatch: Int
  /// A port for Prometheus text metrics (`GET /metrics`), or nil for none.
  public var metricsPort: Int?
  /// The software name announced in HELLO_OK.
  public var serverName: String

  public init(
    host: String = "127.0.0.1", port: Int = 7070, maximumSessions: Int = 64,
    authToken: String? = nil, maximumFrameBytes: Int = WireLimits.defaultMaximumFrameBytes,
    maximumContext: Int = .max, idleTimeoutSeconds: Int = 300, batching: Bool = true,
    batchWindowMicroseconds: Int = 2000, maximumBatch: Int = 64, metricsPort: Int? = nil,
    serverName: String = "slicer 0.1.0"
  ) {
    self.host = host
    self.port = port
    self.maximumSessions = maximumSessions
    self.authToken = authToken
    self.maximumFrameBytes = maximumFrameBytes
    self.maximumContext = maximumContext
    self.idleTimeoutSeconds = idleTimeoutSeconds
    self.batching = batching
    self.batchWindowMicroseconds = batchWindowMicroseconds
    self.maximumBatch = maximumBatch
    self.metricsPort = metricsPort
    self.serverName = serverName
  }

  /// Whether `host` names this machine's loopback interface only.
  public static func isLoopback(_ host: String) -> Bool {
    let h = host.lowercased()
    if h == "localhost" || h == "::1" || h == "[::1]" { return true }
    let parts = h.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 4, parts[0] == "127" else { return false }
    return parts.allSatisfy { UInt8($0) != nil }
  }

  /// Throws when the settings are inconsistent, or would expose the server without a token.
  public func validate() throws(ServerError) {
    if !Self.isLoopback(host) && (authToken ?? "").isEmpty {
      throw .publicBindWithoutToken(host: host)
    }
    guard (0...65535).contains(port) else {
      throw .invalidSetting("--port \(port) is not in 0…65535")
    }
    if let metricsPort, !(0...65535).contains(metricsPort) {
      throw .invalidSetting("--metrics-port \(metricsPort) is not in 0…65535")
    }
    guard maximumSessions >= 1 else {
      throw .invalidSetting("--max-sessions must be at least 1, got \(maximumSessions)")
    }
    guard maximumFrameBytes >= WireLimits.minimumFrameBytes else {
      throw .invalidSetting(
        "the frame limit must be at least \(WireLimits.minimumFrameBytes) bytes, got \(maximumFrameBytes)"
      )
    }
    guard maximumContext >= 1 else {
      throw .invalidSetting("--max-context must be at least 1, got \(maximumContext)")
    }
    guard idleTimeoutSeconds >= 0 else {
      throw .invalidSetting("--idle-timeout must be ≥ 0 seconds, got \(idleTimeoutSeconds)")
    }
    guard maximumBatch >= 1, batchWindowMicroseconds >= 0 else {
      throw .invalidSetting("the batch size must be ≥ 1 and the batch window ≥ 0")
    }
    if let authToken, authToken.utf8.count > WireLimits.maximumStringBytes {
      throw .invalidSetting(
        "--token is \(authToken.utf8.count) bytes; the protocol carries at most \(WireLimits.maximumStringBytes)"
      )
    }
  }
}

/// Why the server could not start (or stopped), as sentences for the operator.
public enum ServerError: Error, Equatable, CustomStringConvertible {
  case publicBindWithoutToken(host: String)
  case invalidSetting(String)
  case bindFailed(host: String, port: Int, reason: String)

  public var description: String {
    switch self {
    case .publicBindWithoutToken(let host):
      return "refusing to listen on \(host) without --token: anyone who can reach it could use "
        + "the model; pass --token SECRET (clients send it with --token), or bind 127.0.0.1"
    case .invalidSetting(let message):
      return message
    case .bindFailed(let host, let port, let reason):
      return "cannot listen on \(host):\(port): \(reason)"
    }
  }
}
