import SlicerCodec

/// Reads a prompt file line by line. Each line is, by its first non-blank character:
///
///     (blank)     ends the current turn
///     # …         a comment; ends the current turn
///     /name arg   a directive; ends the current turn
///     > text      a quoted turn line: `text` verbatim (after "> "), may start with / or #
///     text        a turn line, trimmed
///
/// Consecutive turn lines (plain or quoted) form one user turn, joined with "\n".
struct PromptParser {
  let path: String
  private(set) var entries: [PromptEntry] = []
  /// Lines of the turn being read, and where it started.
  private var turn: [String] = []
  private var turnLine = 0
  /// The first turn of the current conversation (a `/system` after it is an error).
  private var conversationStart: Int?

  init(path: String) { self.path = path }

  mutating func parse(_ bytes: [UInt8]) throws(PromptFileError) {
    var lineNumber = 0
    for rawLine in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
      lineNumber += 1
      guard let decoded = String(validating: rawLine, as: UTF8.self) else {
        throw PromptFileError(
          file: path, line: lineNumber, column: 1, expected: "UTF-8 text",
          found: "bytes that are not valid UTF-8")
      }
      let line = decoded.hasSuffix("\r") ? String(decoded.dropLast()) : decoded
      try read(line, number: lineNumber)
    }
    endTurn()
    guard !entries.isEmpty,
      entries.contains(where: { if case .turn = $0.kind { true } else { false } })
    else {
      throw PromptFileError(
        file: path, line: max(lineNumber, 1), column: 1, expected: "at least one user turn",
        found: "end of file")
    }
  }

  private mutating func read(_ line: String, number: Int) throws(PromptFileError) {
    let indent = line.prefix(while: \.isBlank).count
    let body = line.dropFirst(indent)
    guard let first = body.first else {
      endTurn()
      return
    }
    switch first {
    case "#":
      endTurn()
    case "/":
      endTurn()
      let directive = try DirectiveReader(
        path: path, line: number, source: line, column: indent + 1,
        conversationStart: conversationStart
      ).read()
      if case .reset = directive { conversationStart = nil }
      entries.append(PromptEntry(line: number, kind: .directive(directive)))
    case ">":
      var quoted = body.dropFirst()
      if quoted.first == " " { quoted = quoted.dropFirst() }
      addTurnLine(String(quoted), number: number)
    default:
      addTurnLine(String(body.reversed().drop(while: \.isBlank).reversed()), number: number)
    }
  }

  private mutating func addTurnLine(_ text: String, number: Int) {
    if turn.isEmpty { turnLine = number }
    turn.append(text)
  }

  private mutating func endTurn() {
    guard !turn.isEmpty else { return }
    entries.append(PromptEntry(line: turnLine, kind: .turn(turn.joined(separator: "\n"))))
    if conversationStart == nil { conversationStart = turnLine }
    turn = []
  }
}

/// Parses one directive line: `/name` and its argument, each value checked.
private struct DirectiveReader {
  let path: String
  let line: Int
  let source: String
  /// Column of the slash.
  let column: Int
  let conversationStart: Int?

  func read() throws(PromptFileError) -> PromptDirective {
    let afterSlash = source.dropFirst(column)
    let name = String(afterSlash.prefix(while: { !$0.isBlank }))
    let rest = afterSlash.dropFirst(name.count)
    let gap = rest.prefix(while: \.isBlank).count
    let argument = String(rest.dropFirst(gap).reversed().drop(while: \.isBlank).reversed())
    let argumentColumn = column + 1 + name.count + gap
    let reader = ArgumentReader(
      directive: name, argument: argument, column: argumentColumn, fail: fail)
    switch name {
    case "budget":
      return .budget(
        try reader.number(
          expected: "a distortion budget after /budget: a number ≥ 0 such as 1e-3",
          valid: { $0.isFinite && $0 >= 0 }))
    case "split":
      return .split(
        try reader.integer(
          expected: "a split layer after /split: an integer ≥ 0", range: 0...1_000_000))
    case "codec":
      let word = try reader.word(expected: "a codec after /codec (\(CodecSpec.validForms))")
      do {
        return .codec(try CodecSpec(parsing: word))
      } catch {
        let reason: String
        if case .invalidSpec(_, let why) = error { reason = why } else { reason = "\(error)" }
        throw fail(
          argumentColumn, "a codec after /codec (\(CodecSpec.validForms))", "'\(word)' (\(reason))")
      }
    case "server":
      let word = try reader.word(expected: "HOST:PORT or 'local' after /server")
      if word == "local" { return .server(.local) }
      guard let target = Self.remote(word) else {
        throw fail(
          argumentColumn, "HOST:PORT (port 1…65535) or 'local' after /server", "'\(word)'")
      }
      return .server(target)
    case "seed":
      let word = try reader.word(expected: "a seed after /seed: an integer 0…\(UInt64.max)")
      guard let seed = UInt64(word) else {
        throw fail(argumentColumn, "a seed after /seed: an integer 0…\(UInt64.max)", "'\(word)'")
      }
      return .seed(seed)
    case "temp":
      return .temperature(
        try reader.number(
          expected: "a temperature after /temp: a number ≥ 0 (0 is greedy)",
          valid: { $0.isFinite && $0 >= 0 }))
    case "max-tokens":
      return .maxTokens(
        try reader.integer(
          expected: "a token count after /max-tokens: an integer 1…1000000", range: 1...1_000_000))
    case "system":
      if let start = conversationStart {
        throw fail(
          column,
          "/system before the conversation's first turn (line \(start)); put /reset before it to start a new conversation",
          "/system after that turn")
      }
      return .system(argument.isEmpty ? nil : argument)
    case "reset":
      guard argument.isEmpty else {
        throw fail(argumentColumn, "end of line after /reset", "'\(argument)'")
      }
      return .reset
    default:
      let known = PromptDirective.names.map { "/" + $0 }.joined(separator: ", ")
      let nearest = PromptDirective.names.min {
        editDistance($0, name) < editDistance($1, name)
      }
      var found = name.isEmpty ? "'/' alone" : "'/\(name)'"
      if let nearest, !name.isEmpty, editDistance(nearest, name) <= 2 {
        found += " (did you mean /\(nearest)?)"
      }
      throw fail(
        column,
        "a directive (\(known)); start the line with '> ' for a turn that begins with '/'", found)
    }
  }

  func fail(_ column: Int, _ expected: String, _ found: String) -> PromptFileError {
    PromptFileError(
      file: path, line: line, column: column, expected: expected, found: found, source: source)
  }

  /// `host:port`, `[v6]:port`; the port in 1…65535, the host without blanks.
  static func remote(_ word: String) -> ServerTarget? {
    guard let colon = word.lastIndex(of: ":"), let port = Int(word[word.index(after: colon)...]),
      (1...65535).contains(port)
    else { return nil }
    var host = String(word[..<colon])
    if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    guard !host.isEmpty, !host.contains("["), !host.contains("]") else { return nil }
    return .remote(host: host, port: port)
  }
}

/// The argument of a single-argument directive.
private struct ArgumentReader {
  let directive: String
  let argument: String
  let column: Int
  let fail: (Int, String, String) -> PromptFileError

  /// The argument as one word; nothing or two words is an error.
  func word(expected: String) throws(PromptFileError) -> String {
    guard !argument.isEmpty else { throw fail(column, expected, "end of line") }
    if let blank = argument.firstIndex(where: \.isBlank) {
      let extra = argument[blank...].drop(while: \.isBlank)
      let offset = argument.distance(from: argument.startIndex, to: extra.startIndex)
      throw fail(
        column + offset, "end of line after /\(directive) \(argument[..<blank])", "'\(extra)'")
    }
    return argument
  }

  func number(expected: String, valid: (Double) -> Bool) throws(PromptFileError) -> Double {
    let word = try word(expected: expected)
    guard let value = Double(word), valid(value) else {
      throw fail(column, expected, "'\(word)'")
    }
    return value
  }

  func integer(expected: String, range: ClosedRange<Int>) throws(PromptFileError) -> Int {
    let word = try word(expected: expected)
    guard let value = Int(word), range.contains(value) else {
      throw fail(column, expected, "'\(word)'")
    }
    return value
  }
}

extension Character {
  /// Space or tab: what separates words on a prompt-file line.
  fileprivate var isBlank: Bool { self == " " || self == "\t" }
}

/// Levenshtein distance, for "did you mean" hints on directive names.
private func editDistance(_ a: String, _ b: String) -> Int {
  let a = Array(a)
  let b = Array(b)
  guard !a.isEmpty else { return b.count }
  guard !b.isEmpty else { return a.count }
  var previous = Array(0...b.count)
  for i in 1...a.count {
    var current = [i] + Array(repeating: 0, count: b.count)
    for j in 1...b.count {
      current[j] = min(
        previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.count]
}
