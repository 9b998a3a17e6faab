/// How many terminal cells text takes: 2 for East Asian wide characters and emoji, 0 for
/// combining marks, 1 otherwise. Locale-independent (the same answer in tests as on screen
/// under a UTF-8 locale, where curses agrees for these ranges).
public enum DisplayWidth {
  public static func of(_ character: Character) -> Int {
    guard let first = character.unicodeScalars.first else { return 0 }
    if first.value < 0x20 || (0x7F..<0xA0).contains(first.value) { return 0 }
    switch first.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return 0
    default: break
    }
    if isWide(first.value) || first.properties.isEmojiPresentation
      || character.unicodeScalars.contains(where: { $0.value == 0xFE0F })
    {
      return 2
    }
    return 1
  }

  public static func of<S: StringProtocol>(_ text: S) -> Int {
    text.reduce(0) { $0 + of($1) }
  }

  /// The longest prefix of `text` that fits in `width` cells, and the cells it takes.
  public static func prefix<S: StringProtocol>(_ text: S, fitting width: Int) -> (
    text: Substring, width: Int
  ) {
    let whole = Substring(text)
    var used = 0
    var end = whole.startIndex
    for index in whole.indices {
      let w = of(whole[index])
      if used + w > width { break }
      used += w
      end = whole.index(after: index)
    }
    return (whole[whole.startIndex..<end], used)
  }

  /// The shortest suffix of `text` that leaves at most `width` cells (for a line scrolled left).
  public static func suffix<S: StringProtocol>(_ text: S, fitting width: Int) -> Substring {
    let whole = Substring(text)
    var used = 0
    var start = whole.endIndex
    while start > whole.startIndex {
      let before = whole.index(before: start)
      let w = of(whole[before])
      if used + w > width { break }
      used += w
      start = before
    }
    return whole[start...]
  }

  /// East Asian Wide and Fullwidth blocks (Unicode EastAsianWidth.txt, W and F, condensed).
  private static func isWide(_ v: UInt32) -> Bool {
    switch v {
    case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF,
      0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3,
      0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
      0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
      return true
    default:
      return false
    }
  }
}
