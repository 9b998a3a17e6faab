/// A prompt file that cannot be replayed as written: where, what the parser expected there, and
/// what it found. Printed as a compiler would:
///
///     Prompts/bad.prompt:4:9: expected a number ≥ 0 after /budget (e.g. 1e-3), found 'tight'
///         /budget tight
///                 ^
public struct PromptFileError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The path as the user gave it.
  public var file: String
  /// 1-based; 0 when the error concerns the whole file (unreadable, too large).
  public var line: Int
  /// 1-based, in characters; 0 with `line` 0.
  public var column: Int
  public var expected: String
  public var found: String
  /// The offending line as written, for the caret display (empty with `line` 0).
  public var source: String

  public init(
    file: String, line: Int, column: Int, expected: String, found: String, source: String = ""
  ) {
    self.file = file
    self.line = line
    self.column = column
    self.expected = expected
    self.found = found
    self.source = source
  }

  public var description: String {
    guard line > 0 else { return "\(file): expected \(expected), found \(found)" }
    var text = "\(file):\(line):\(column): expected \(expected), found \(found)"
    if !source.isEmpty {
      // Tabs stay tabs under the caret so it lines up in a terminal.
      let pad = source.prefix(max(column - 1, 0)).map { $0 == "\t" ? "\t" : " " }.joined()
      text += "\n    \(source)\n    \(pad)^"
    }
    return text
  }
}
