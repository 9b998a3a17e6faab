/// Word wrapping by display width, for the chat pane.
public enum TextWrap {
  /// `text` as lines of at most `width` cells: broken at spaces where possible, inside a word
  /// only when the word alone is wider than the line. `\n` ends a line; tabs become spaces and
  /// other control characters are dropped (model output is not trusted to be printable).
  public static func lines(_ text: String, width: Int) -> [String] {
    let width = max(width, 1)
    return sanitized(text).split(separator: "\n", omittingEmptySubsequences: false).flatMap {
      wrap($0, width: width)
    }
  }

  static func sanitized(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text {
      if character == "\n" || character == "\r\n" {
        out.append("\n")
      } else if character == "\t" {
        out.append("    ")
      } else if let first = character.unicodeScalars.first,
        first.value < 0x20 || (0x7F..<0xA0).contains(first.value)
      {
        continue
      } else {
        out.append(character)
      }
    }
    return out
  }

  private static func wrap(_ paragraph: Substring, width: Int) -> [String] {
    var lines: [String] = []
    var line: [Character] = []
    var lineWidth = 0
    /// Index in `line` of the last space: where the line can break.
    var lastSpace: Int?

    func emit(_ characters: ArraySlice<Character>) { lines.append(String(characters)) }

    for character in paragraph {
      let w = DisplayWidth.of(character)
      if character == " " {
        if lineWidth + 1 > width {
          // The break falls on this space: it ends the line and is dropped.
          emit(line[...])
          line = []
          lineWidth = 0
          lastSpace = nil
          continue
        }
        lastSpace = line.count
      } else if lineWidth + w > width && !line.isEmpty {
        if let space = lastSpace {
          emit(line[..<space])
          line = Array(line[(space + 1)...])
          lineWidth = DisplayWidth.of(String(line))
          lastSpace = nil
        }
        if lineWidth + w > width && !line.isEmpty {
          // One word wider than the line: break inside it.
          emit(line[...])
          line = []
          lineWidth = 0
        }
      }
      line.append(character)
      lineWidth += w
    }
    emit(line[...])
    return lines
  }
}
