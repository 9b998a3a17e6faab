/// A prompt file that parsed but could not run: where in the file, and why.
public struct ReplayError: Error, Equatable, Sendable, CustomStringConvertible {
  public enum Reason: Equatable, Sendable {
    /// `/split` past the model's depth.
    case splitOutOfRange(split: Int, layerCount: Int)
    /// The turn (with the conversation before it) does not fit in the model's context.
    case promptTooLong(tokens: Int, limit: Int)
    /// `/server` in a replay that has no way to reach a server.
    case noServerSupport(target: String)
    /// The engine or the tail failed; the underlying error's message.
    case engine(String)
  }

  /// The prompt file's path as given, and the line of the directive or turn.
  public var file: String
  public var line: Int
  public var reason: Reason

  public init(file: String, line: Int, reason: Reason) {
    self.file = file
    self.line = line
    self.reason = reason
  }

  public var description: String {
    let what: String
    switch reason {
    case .splitOutOfRange(let split, let layerCount):
      what = "split \(split) is outside 0…\(layerCount) (the model has \(layerCount) layers)"
    case .promptTooLong(let tokens, let limit):
      what =
        "this turn brings the conversation to \(tokens) positions, but the model holds \(limit); "
        + "put /reset before it, shorten the turn or lower /max-tokens earlier"
    case .noServerSupport(let target):
      what = "/server \(target) needs a tail server connection, which this replay cannot make"
    case .engine(let message):
      what = message
    }
    return "\(file):\(line): \(what)"
  }
}
