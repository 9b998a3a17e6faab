import Foundation

/// Where the tail runs: in this process, or behind `slicer serve` at `host:port`.
public enum TailEndpoint: Equatable, Sendable, CustomStringConvertible {
  case inProcess
  case remote(host: String, port: Int)

  /// Parses `host:port`, `[v6-address]:port`, or `local` / `in-process` for the in-process tail.
  public init(parsing text: String) throws(SlashCommandError) {
    let text = text.trimmingCharacters(in: .whitespaces)
    if ["local", "in-process", "inprocess", "none", "off"].contains(text.lowercased()) {
      self = .inProcess
      return
    }
    let invalid = SlashCommandError.invalidArgument(
      command: "server", value: text, reason: "expected host:port (e.g. localhost:7070) or 'local'")
    guard let colon = text.lastIndex(of: ":") else { throw invalid }
    var host = String(text[..<colon])
    let portText = text[text.index(after: colon)...]
    if host.hasPrefix("[") && host.hasSuffix("]") && host.count > 2 {
      host = String(host.dropFirst().dropLast())
    }
    guard !host.isEmpty, !host.contains(" ") else { throw invalid }
    guard let port = Int(portText), (1...65535).contains(port) else {
      throw .invalidArgument(
        command: "server", value: text, reason: "the port '\(portText)' must be a number in 1…65535"
      )
    }
    self = .remote(host: host, port: port)
  }

  public var description: String {
    switch self {
    case .inProcess: "in-process"
    case .remote(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
  }
}
