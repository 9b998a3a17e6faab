/// How text is cut into pieces before byte-level BPE runs on each piece alone.
///
/// ```
/// gpt2:   'Hello world's 2026!'  →  'Hello' ' world' "'s" ' 2026' '!'
/// smollm: 'Hello world's 2026!'  →  'Hello' ' world' "'s" ' ' '2' '0' '2' '6' '!'
/// ```
public enum PreTokenizer: Sendable, Equatable {
  /// GPT-2's pattern (OPT, GPT-2, RoBERTa), without a prefix space:
  /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
  case gpt2
  /// SmolLM2's `Sequence[Digits(individual_digits: true), ByteLevel(use_regex: true)]`: every
  /// `\p{N}` scalar becomes a piece of its own, then the GPT-2 pattern splits the text between them.
  case smollm

  /// The pieces `text` is cut into, in order; BPE then runs on each alone.
  public func split(_ text: String) -> [Substring] {
    let scalars = ScalarText(text[...])
    let view = text.unicodeScalars
    var start = view.startIndex
    return pieces(of: scalars).map { piece in
      let end = view.index(start, offsetBy: piece.count)
      defer { start = end }
      return Substring(view[start..<end])
    }
  }

  /// The pieces of `text`, as ranges of scalar indices in order, covering all of it.
  func pieces(of text: ScalarText) -> [Range<Int>] {
    var pieces: [Range<Int>] = []
    pieces.reserveCapacity(text.count / 3)
    switch self {
    case .gpt2:
      Self.appendGPT2Pieces(of: text, in: 0..<text.count, to: &pieces)
    case .smollm:
      var start = 0
      for index in 0..<text.count where text.classes[index] == .number {
        Self.appendGPT2Pieces(of: text, in: start..<index, to: &pieces)
        pieces.append(index..<index + 1)
        start = index + 1
      }
      Self.appendGPT2Pieces(of: text, in: start..<text.count, to: &pieces)
    }
    return pieces
  }

  /// Splits `range` with the GPT-2 pattern, treating `range.upperBound` as the end of the text
  /// (which matters for the look-ahead in `\s+(?!\S)`).
  private static func appendGPT2Pieces(
    of text: ScalarText, in range: Range<Int>, to pieces: inout [Range<Int>]
  ) {
    var start = range.lowerBound
    while start < range.upperBound {
      let end = gpt2MatchEnd(in: text, from: start, limit: range.upperBound)
      pieces.append(start..<end)
      start = end
    }
  }

  /// Where the GPT-2 pattern's match starting at `start` ends. The pattern's alternatives are
  /// tried in order and the first that matches wins; every scalar is whitespace, a letter, a
  /// number or "other", so one of them always matches at least one scalar.
  static func gpt2MatchEnd(in text: ScalarText, from start: Int, limit: Int) -> Int {
    let classes = text.classes
    // 's 't 're 've 'm 'll 'd (case-sensitive, as in GPT-2).
    if text.values[start] == 0x27, let length = contractionLength(in: text, at: start, limit: limit)
    {
      return start + length
    }
    // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: an optional U+0020, then a run of one class.
    var runStart = start
    if classes[start] == .space, start + 1 < limit, !classes[start + 1].isWhitespace {
      runStart = start + 1
    }
    let runClass = classes[runStart]
    if !runClass.isWhitespace {
      var end = runStart + 1
      while end < limit, classes[end] == runClass { end += 1 }
      return end
    }
    // `\s+(?!\S)` then `\s+`: a whitespace run. If a non-space follows it, the first alternative
    // backs off by one scalar, leaving the last whitespace to prefix the next word; a run of one
    // then fails the look-ahead entirely and `\s+` takes that single scalar.
    var end = start + 1
    while end < limit, classes[end].isWhitespace { end += 1 }
    if end == limit || end - start == 1 { return end }
    return end - 1
  }

  /// The length (2 or 3) of the contraction starting with the apostrophe at `start`, if any.
  private static func contractionLength(in text: ScalarText, at start: Int, limit: Int) -> Int? {
    guard start + 1 < limit else { return nil }
    switch text.values[start + 1] {
    case 0x73, 0x74, 0x6D, 0x64: return 2  // s t m d
    case 0x72, 0x76:  // r v, followed by e
      return start + 2 < limit && text.values[start + 2] == 0x65 ? 3 : nil
    case 0x6C:  // l, followed by l
      return start + 2 < limit && text.values[start + 2] == 0x6C ? 3 : nil
    default: return nil
    }
  }
}
