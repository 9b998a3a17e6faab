import Foundation

/// One item of a prompt file, in file order: a user turn or a directive.
public struct PromptEntry: Sendable, Equatable {
  public enum Kind: Sendable, Equatable {
    /// The user's text (lines joined with "\n").
    case turn(String)
    case directive(PromptDirective)
  }

  /// Where the entry starts (1-based).
  public var line: Int
  public var kind: Kind

  public init(line: Int, kind: Kind) {
    self.line = line
    self.kind = kind
  }
}

/// A parsed prompt file: user turns and the directives between them (format: Prompts/README.md).
public struct PromptFile: Sendable, Equatable {
  /// Larger files are refused before they are read: a prompt file is hand-written.
  public static let maxBytes = 1 << 20

  /// The path as the user gave it; errors and transcripts name the file this way.
  public var path: String
  public var entries: [PromptEntry]

  public init(path: String, entries: [PromptEntry]) {
    self.path = path
    self.entries = entries
  }

  /// Parses a prompt file's bytes; `path` only names the file in errors.
  public init(parsing bytes: [UInt8], path: String) throws(PromptFileError) {
    guard bytes.count <= Self.maxBytes else {
      throw PromptFileError(
        file: path, line: 0, column: 0,
        expected: "a prompt file of at most \(Self.maxBytes) bytes", found: "\(bytes.count) bytes")
    }
    var parser = PromptParser(path: path)
    try parser.parse(bytes)
    self.init(path: path, entries: parser.entries)
  }

  public init(parsing text: String, path: String) throws(PromptFileError) {
    try self.init(parsing: Array(text.utf8), path: path)
  }

  /// Reads and parses the file at `path`.
  public static func load(_ path: String) throws(PromptFileError) -> PromptFile {
    func fail(_ expected: String, _ found: String) -> PromptFileError {
      PromptFileError(file: path, line: 0, column: 0, expected: expected, found: found)
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw fail("a prompt file", "no such file")
    }
    guard !isDirectory.boolValue else { throw fail("a prompt file", "a directory") }
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    guard size <= maxBytes else {
      throw fail("a prompt file of at most \(maxBytes) bytes", "\(size) bytes")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw fail("a readable file", "no permission to read it")
    }
    return try PromptFile(parsing: Array(data), path: path)
  }

  /// The user turns, in order.
  public var turns: [String] {
    entries.compactMap {
      if case .turn(let text) = $0.kind { text } else { nil }
    }
  }
}
