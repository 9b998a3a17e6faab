/// The conversation: user turns (`» `), answers streaming in, notes and errors; word-wrapped,
/// scrolled by `ScreenState.scroll`.
struct ChatPane {
  let cache: WrapCache

  /// The caret shown at the end of an answer while it is being generated.
  static let streamingCaret = "▍"

  /// Draws the pane and returns how many lines the whole conversation takes at this width.
  @discardableResult
  func draw(_ state: ScreenState, in rect: Rect, on canvas: inout some Canvas) -> Int {
    guard !rect.isEmpty else { return 0 }
    let lines = self.lines(state, width: rect.width)
    let first = state.scroll.firstLine(total: lines.count, height: rect.height)
    for (line, (text, style)) in lines.dropFirst(first).prefix(rect.height).enumerated() {
      canvas.text(text, in: rect, line: line, style: style)
    }
    if case .anchored = state.scroll, lines.count > rect.height {
      let more = "↓ \(lines.count - first - rect.height) more (PgDn)"
      canvas.text(
        more, in: rect, line: rect.height - 1,
        offset: max(rect.width - DisplayWidth.of(more), 0), style: .note)
    }
    return lines.count
  }

  /// Every line of the conversation with its style.
  func lines(_ state: ScreenState, width: Int) -> [(String, Style)] {
    cache.trim(to: state.entries.count)
    var out: [(String, Style)] = []
    for (index, entry) in state.entries.enumerated() {
      if entry.kind == .user && !out.isEmpty { out.append(("", .normal)) }
      let isStreaming =
        state.generating && index == state.entries.count - 1 && entry.kind == .assistant
      var wrapped = cache.lines(of: entry, at: index, width: width, wrap: Self.wrap)
      if isStreaming {
        // The caret goes after the text, on a new line if the last one is full.
        if let last = wrapped.last, DisplayWidth.of(last) < width {
          wrapped[wrapped.count - 1] = last + Self.streamingCaret
        } else {
          wrapped.append(Self.streamingCaret)
        }
      }
      let style = Self.style(entry.kind)
      out += wrapped.map { ($0, style) }
    }
    return out
  }

  /// An entry's lines: a marker on the first line, the rest indented to match.
  static func wrap(_ entry: ChatEntry, width: Int) -> [String] {
    let marker: String
    switch entry.kind {
    case .user: marker = "» "
    case .assistant: marker = ""
    case .note: marker = "· "
    case .error: marker = "! "
    }
    let indent = String(repeating: " ", count: marker.count)
    let body = TextWrap.lines(entry.text, width: max(width - marker.count, 1))
    return body.enumerated().map { ($0.offset == 0 ? marker : indent) + $0.element }
  }

  static func style(_ kind: ChatEntry.Kind) -> Style {
    switch kind {
    case .user: .user
    case .assistant: .assistant
    case .note: .note
    case .error: .error
    }
  }
}
