import SlicerCodec

/// A setting change written between the turns of a prompt file (`/budget 1e-3`, `/reset`, …).
/// Prompts/README.md documents each one.
public enum PromptDirective: Sendable, Equatable {
  /// SLICER with this distortion budget; the group count of the current SLICER codec is kept.
  case budget(Double)
  /// The split layer (checked against the model when the file runs).
  case split(Int)
  case codec(CodecSpec)
  /// Where the tail runs from here on.
  case server(ServerTarget)
  case seed(UInt64)
  /// Sampling temperature; 0 is greedy.
  case temperature(Double)
  case maxTokens(Int)
  /// The system prompt of the next conversation; nil: the model's default.
  case system(String?)
  /// Ends the conversation; the next turn starts a new one.
  case reset

  /// The directive names, as written after the slash, in the order the README lists them.
  public static let names = [
    "budget", "split", "codec", "server", "seed", "temp", "max-tokens", "system", "reset",
  ]

  /// The directive as it would be written in a prompt file (canonical spelling).
  public var text: String {
    switch self {
    case .budget(let budget): "/budget \(budget)"
    case .split(let split): "/split \(split)"
    case .codec(let spec): "/codec \(spec)"
    case .server(let target): "/server \(target)"
    case .seed(let seed): "/seed \(seed)"
    case .temperature(let temperature): "/temp \(temperature)"
    case .maxTokens(let count): "/max-tokens \(count)"
    case .system(let text): text.map { "/system \($0)" } ?? "/system"
    case .reset: "/reset"
    }
  }
}

/// The tail a `/server` directive selects.
public enum ServerTarget: Sendable, Equatable, CustomStringConvertible {
  /// The in-process tail.
  case local
  /// `slicer serve` at this `host:port`.
  case remote(host: String, port: Int)

  public var description: String {
    switch self {
    case .local: "local"
    case .remote(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
  }
}
