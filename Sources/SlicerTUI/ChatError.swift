import Foundation

/// Why the chat could not do what was asked; each says what to do next.
public enum ChatError: Error, Equatable, CustomStringConvertible {
  case noModel(String)
  case loadFailed(path: String, reason: String)
  case unreachable(endpoint: String, reason: String)
  case remoteUnavailable(endpoint: String)
  case saveFailed(path: String, reason: String)
  case settingRejected(String)
  case notLoaded

  public var description: String {
    switch self {
    case .noModel(let message): message
    case .loadFailed(let path, let reason):
      "Cannot load the model at '\(path)': \(reason). Pass --model DIR (a model directory or .gguf)."
    case .unreachable(let endpoint, let reason):
      // The transport's own message usually names the server already; say it once.
      reason.contains(endpoint)
        ? Self.sentence(reason)
        : "Cannot reach the tail server at \(endpoint): \(reason). Is `slicer serve` running there?"
    case .remoteUnavailable(let endpoint):
      "This build cannot connect to a tail server (\(endpoint)); the tail runs in-process."
    case .saveFailed(let path, let reason): "Cannot save the transcript to '\(path)': \(reason)."
    case .settingRejected(let message): message
    case .notLoaded: "No model is loaded; restart with --model DIR."
    }
  }

  /// `text` as a sentence: capitalized, with a final full stop.
  static func sentence(_ text: String) -> String {
    var text = text.trimmingCharacters(in: .whitespaces)
    if let first = text.first { text = first.uppercased() + text.dropFirst() }
    if let last = text.last, !".!?".contains(last) { text += "." }
    return text
  }
}
