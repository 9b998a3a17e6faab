/// `HOST:PORT` as typed after `--server` (`[::1]:7070` for IPv6 literals).
public struct ServerEndpoint: Equatable, Sendable, CustomStringConvertible {
  public var host: String
  public var port: Int

  public init(host: String, port: Int) {
    self.host = host
    self.port = port
  }

  /// Parses `HOST:PORT`; the error says what is wrong with the text.
  public init(parsing text: String) throws(EndpointError) {
    var host: Substring
    let portText: Substring
    if text.hasPrefix("[") {
      guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":")
      else {
        throw EndpointError(text: text, reason: "an IPv6 address needs the form [ADDRESS]:PORT")
      }
      host = text[text.index(after: text.startIndex)..<close]
      portText = text[text.index(close, offsetBy: 2)...]
    } else {
      guard let colon = text.lastIndex(of: ":") else {
        throw EndpointError(text: text, reason: "expected HOST:PORT, e.g. 127.0.0.1:7070")
      }
      host = text[..<colon]
      portText = text[text.index(after: colon)...]
    }
    host = host.drop { $0 == " " }
    guard !host.isEmpty else { throw EndpointError(text: text, reason: "the host is empty") }
    guard let port = Int(portText), (1...65535).contains(port) else {
      throw EndpointError(text: text, reason: "the port '\(portText)' is not a number in 1…65535")
    }
    self.init(host: String(host), port: port)
  }

  public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

public struct EndpointError: Error, Equatable, CustomStringConvertible {
  public var text: String
  public var reason: String

  public init(text: String, reason: String) {
    self.text = text
    self.reason = reason
  }

  public var description: String { "invalid server address '\(text)': \(reason)" }
}

/// How a client retries after the server went away: exponential backoff between attempts.
public struct RetryPolicy: Equatable, Sendable {
  /// Reconnection attempts before giving up.
  public var attempts: Int
  /// The first delay; each later one doubles, up to `maximumDelay` (seconds).
  public var initialDelay: Double
  public var maximumDelay: Double

  public init(attempts: Int = 8, initialDelay: Double = 0.1, maximumDelay: Double = 2) {
    self.attempts = attempts
    self.initialDelay = initialDelay
    self.maximumDelay = maximumDelay
  }

  /// The wait before attempt `n` (1-based).
  public func delay(beforeAttempt n: Int) -> Double {
    min(maximumDelay, initialDelay * Double(1 << min(max(n - 1, 0), 30)))
  }
}
