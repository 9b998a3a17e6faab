/// Where a replay's transcript differs from a golden one, run-specific lines (timings, the
/// tail's address: `Transcript.isRunLine`) left out, with each line's number in its own file.
public struct GoldenDiff: Sendable, Equatable {
  public struct Line: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case context, removed, added }
    public var kind: Kind
    /// 1-based line numbers in the golden and in the new transcript (nil where absent).
    public var goldenLine: Int?
    public var actualLine: Int?
    public var text: String
  }

  /// Runs of changed lines with a little context around each.
  public var hunks: [[Line]]

  public var isEmpty: Bool { hunks.isEmpty }

  /// The removed and added lines of every hunk.
  public var changes: [Line] { hunks.flatMap { $0.filter { $0.kind != .context } } }

  /// A unified-style diff with line numbers, golden first:
  ///
  ///     --- golden Tests/SlicerReplayTests/Golden/basics/split-2_int8.md
  ///     +++ replay of Prompts/basics.prompt
  ///     @@ golden line 21, replay line 21 @@
  ///        20   20  - tokens: 8, stop max_tokens
  ///     -  21       - ids: 1437 4 2
  ///     +       21  - ids: 1437 5 2
  ///                         ^ first difference at column 13
  ///
  /// When a hunk replaces n lines by n lines, a caret under each new line marks where it first
  /// differs from the line it replaces.
  public func render(goldenName: String, actualName: String) -> String {
    let numbers = hunks.flatMap { $0.flatMap { [$0.goldenLine, $0.actualLine].compactMap { $0 } } }
    let width = String(numbers.max() ?? 1).count
    func number(_ n: Int?) -> String {
      let text = n.map(String.init) ?? ""
      return String(repeating: " ", count: width - text.count) + text
    }
    var out = ["--- golden \(goldenName)", "+++ replay of \(actualName)"]
    for hunk in hunks {
      let firstGolden = hunk.compactMap(\.goldenLine).first ?? 0
      let firstActual = hunk.compactMap(\.actualLine).first ?? 0
      out.append("@@ golden line \(firstGolden), replay line \(firstActual) @@")
      let removed = hunk.filter { $0.kind == .removed }
      let added = hunk.filter { $0.kind == .added }
      var addedIndex = 0
      for line in hunk {
        let mark: String
        switch line.kind {
        case .context: mark = " "
        case .removed: mark = "-"
        case .added: mark = "+"
        }
        let prefix = "\(mark) \(number(line.goldenLine)) \(number(line.actualLine))  "
        out.append(prefix + line.text)
        guard line.kind == .added else { continue }
        if removed.count == added.count,
          let column = Self.firstDifference(removed[addedIndex].text, line.text)
        {
          let pad = String(repeating: " ", count: prefix.count + column - 1)
          out.append("\(pad)^ first difference at column \(column)")
        }
        addedIndex += 1
      }
    }
    return out.joined(separator: "\n") + "\n"
  }

  /// 1-based column (in characters) where two lines first differ.
  static func firstDifference(_ a: String, _ b: String) -> Int? {
    guard a != b else { return nil }
    let common = zip(a, b).prefix(while: { $0 == $1 }).count
    return common + 1
  }
}

/// Compares transcripts for `--check` and the golden tests.
public enum GoldenCheck {
  /// The difference between a golden transcript and a new one; empty when they agree on every
  /// line that is not a run line. `context` lines of context surround each change.
  public static func compare(golden: String, actual: String, context: Int = 2) -> GoldenDiff {
    let old = comparedLines(golden)
    let new = comparedLines(actual)
    let operations = LineDiff.operations(old.map(\.text), new.map(\.text))
    let lines: [GoldenDiff.Line] = operations.map { operation in
      switch operation {
      case .keep(let i, let j):
        GoldenDiff.Line(
          kind: .context, goldenLine: old[i].number, actualLine: new[j].number, text: old[i].text)
      case .remove(let i):
        GoldenDiff.Line(
          kind: .removed, goldenLine: old[i].number, actualLine: nil, text: old[i].text)
      case .add(let j):
        GoldenDiff.Line(kind: .added, goldenLine: nil, actualLine: new[j].number, text: new[j].text)
      }
    }
    return GoldenDiff(hunks: hunks(lines, context: context))
  }

  /// The lines that take part in comparisons, with their 1-based numbers in the text.
  static func comparedLines(_ text: String) -> [(number: Int, text: String)] {
    // Lines end at "\n" scalars; a "\r" before it (a golden checked out with CRLF) is dropped.
    var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map {
      var line = String(String.UnicodeScalarView($0))
      if line.unicodeScalars.last == "\r" { line.unicodeScalars.removeLast() }
      return line
    }
    if lines.last == "" { lines.removeLast() }
    return lines.enumerated().compactMap { index, line in
      Transcript.isRunLine(line) ? nil : (index + 1, line)
    }
  }

  /// Groups changed lines, each with up to `context` unchanged lines either side; changes
  /// closer than 2 × `context` share a hunk.
  static func hunks(_ lines: [GoldenDiff.Line], context: Int) -> [[GoldenDiff.Line]] {
    let changed = lines.indices.filter { lines[$0].kind != .context }
    var ranges: [ClosedRange<Int>] = []
    for index in changed {
      let range = max(index - context, 0)...min(index + context, lines.count - 1)
      if let last = ranges.last, range.lowerBound <= last.upperBound + 1 {
        ranges[ranges.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
      } else {
        ranges.append(range)
      }
    }
    return ranges.map { Array(lines[$0]) }
  }
}
