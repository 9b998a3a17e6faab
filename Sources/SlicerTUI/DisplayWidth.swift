/// How many terminal cells text takes: 2 for East Asian wide characters and emoji, 0 for
/// combining marks, 1 otherwise. Locale-independent (the same answer in tests as on screen
/// under a UTF-8 locale, where curses agrees for these ranges).
public enum DisplayWidth {
  public static func of(_ character: Character) -> Int {
    // Fast path: printable ASCII, nearly all of what is drawn (Unicode property lookups are not
    // free at 30 frames a second).
    if let ascii = character.asciiValue { return ascii >= 0x20 && ascii < 0x7F ? 1 : 0 }
    guard let first = character.unicodeScalars.first else { return 0 }
    // Likewise the panes' own symbols: Latin-1, arrows, math, box drawing, blocks, shapes.
    if character.unicodeScalars.count == 1 {
      switch first.value {
      case 0xA0..<0x300, 0x2190...0x22FF, 0x2500...0x25FC: return 1
      default: break
      }
    }
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
    // Printable ASCII: one cell per byte, no grapheme breaking needed.
    if whole.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
      let count = min(whole.utf8.count, max(width, 0))
      return (whole.prefix(count), count)
    }
    // Text of simple scalars (each its own character: no combining marks, joiners, variation
    // selectors or CR): walk scalars instead of grapheme clusters.
    if let simple = simplePrefix(whole, fitting: width) { return simple }
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

  private static func simplePrefix(_ text: Substring, fitting width: Int) -> (
    text: Substring, width: Int
  )? {
    var used = 0
    var end = text.startIndex
    let scalars = text.unicodeScalars
    var index = scalars.startIndex
    while index < scalars.endIndex {
      let value = scalars[index].value
      let w: Int
      switch value {
      case 0x20..<0x7F, 0xA0..<0x300, 0x2190...0x22FF, 0x2500...0x25FC: w = 1
      case 0x3041...0x33FF, 0x4E00...0x9FFF, 0xAC00...0xD7A3: w = 2
      default: return nil
      }
      if used + w > width { break }
      used += w
      index = scalars.index(after: index)
      end = index
    }
    return (text[text.startIndex..<end], used)
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
