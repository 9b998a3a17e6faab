import Foundation

/// One prompt file's line in the table a replay ends with.
public struct ReplaySummaryRow: Sendable, Equatable {
  /// How the transcript compared with its golden (nil: no --check).
  public enum Check: Sendable, Equatable {
    /// The golden's own figures, when its totals line could be read.
    case same(TranscriptSummary?)
    case differs(TranscriptSummary?, lines: Int)
    case updated(TranscriptSummary?, lines: Int)
    case created
    case missing

    /// A difference or a missing golden that --update did not resolve.
    public var isFailure: Bool {
      switch self {
      case .differs, .missing: true
      case .same, .updated, .created: false
      }
    }

    var golden: TranscriptSummary? {
      switch self {
      case .same(let summary), .differs(let summary, _), .updated(let summary, _): summary
      case .created, .missing: nil
      }
    }

    var label: String {
      switch self {
      case .same: "same"
      case .differs(_, let lines): "DIFFERS (\(lines) lines)"
      case .updated(_, let lines): "updated (\(lines) lines)"
      case .created: "created"
      case .missing: "MISSING golden"
      }
    }
  }

  public var file: String
  public var summary: TranscriptSummary
  public var check: Check?

  public init(file: String, summary: TranscriptSummary, check: Check? = nil) {
    self.file = file
    self.summary = summary
    self.check = check
  }

  /// Bits/token minus the golden's, e.g. `+12.5`, `0.0`; `—` without a golden.
  public var deltaBitsPerToken: String {
    guard let golden = check?.golden else { return "—" }
    let delta = summary.bitsPerToken - golden.bitsPerToken
    return delta == 0 ? "0.0" : String(format: "%+.1f", delta)
  }

  /// The summary table, columns aligned, a totals row when there are several files:
  ///
  ///     file                    tokens  bits/token  Δ vs golden  check
  ///     Prompts/basics.prompt       40       398.1          0.0  same
  ///     Prompts/budgets.prompt      52       512.3        -12.4  DIFFERS (3 lines)
  ///     all 2 files                 92       455.2
  public static func table(_ rows: [ReplaySummaryRow]) -> String {
    let checked = rows.contains { $0.check != nil }
    var lines: [[String]] = [
      ["file", "tokens", "bits/token"] + (checked ? ["Δ vs golden", "check"] : [])
    ]
    for row in rows {
      var cells = [
        row.file, String(row.summary.tokens), String(format: "%.1f", row.summary.bitsPerToken),
      ]
      if checked { cells += [row.deltaBitsPerToken, row.check?.label ?? ""] }
      lines.append(cells)
    }
    if rows.count > 1 {
      let all = TranscriptSummary(
        turns: rows.reduce(0) { $0 + $1.summary.turns },
        tokens: rows.reduce(0) { $0 + $1.summary.tokens },
        positions: rows.reduce(0) { $0 + $1.summary.positions },
        bits: rows.reduce(0) { $0 + $1.summary.bits })
      lines.append([
        "all \(rows.count) files", String(all.tokens), String(format: "%.1f", all.bitsPerToken),
      ])
    }
    let columns = lines.map(\.count).max() ?? 0
    let widths = (0..<columns).map { column in
      lines.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0
    }
    // File and check columns are text (left-aligned); the figures are right-aligned.
    let leftAligned: Set<Int> = [0, 4]
    return lines.map { cells in
      cells.enumerated().map { column, cell in
        let pad = String(repeating: " ", count: widths[column] - cell.count)
        return leftAligned.contains(column) ? cell + pad : pad + cell
      }.joined(separator: "  ").reversed().drop(while: { $0 == " " }).reversed()
    }.map { String($0) }.joined(separator: "\n") + "\n"
  }
}
