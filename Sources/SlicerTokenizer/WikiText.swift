/// The WikiText-2 evaluation text, built the way perplexity numbers for OPT are usually computed
/// (Hugging Face `datasets` rows joined by blank lines, as in the GPTQ evaluation).
public enum WikiText {
  /// Joins the lines of a raw split file (`wiki.test.raw`) into one evaluation text.
  ///
  /// Rows are the file's lines, each keeping its `\n`; a line of only whitespace becomes an empty
  /// row; the rows are joined with `"\n\n"`. Lines end at `\n` only. For WikiText-2's test split
  /// this turns the 1,290,590-byte file into 1,296,370 bytes, sha256 `696cca6b…dfae83`.
  public static func joinRows(_ raw: String) -> String {
    var rows: [Substring] = []
    var lineStart = raw.startIndex
    var index = raw.startIndex
    let utf8 = raw.utf8
    while index < utf8.endIndex {
      let next = utf8.index(after: index)
      if utf8[index] == UInt8(ascii: "\n") {
        rows.append(row(raw[lineStart..<next]))
        lineStart = next
      }
      index = next
    }
    if lineStart < raw.endIndex {
      rows.append(row(raw[lineStart...]))
    }
    return rows.joined(separator: "\n\n")
  }

  /// A line as a row: itself, or empty if it holds nothing but whitespace.
  private static func row(_ line: Substring) -> Substring {
    line.unicodeScalars.allSatisfy(\.properties.isWhitespace) ? "" : line
  }
}
