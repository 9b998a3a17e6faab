/// The one-line bars: the title across the top, the notice line, the F-key hints.
struct TitleBar {
  func draw(_ state: ScreenState, in rect: Rect, on canvas: inout some Canvas) {
    guard !rect.isEmpty else { return }
    let model = state.model?.name ?? (state.loading ? "loading…" : "no model")
    let status =
      state.loading
      ? "loading" : state.generating ? "generating" : state.contextFull ? "context full" : "ready"
    canvas.text(" slicer chat · \(model)", in: rect, line: 0, style: .title, fill: true)
    let right = "\(status) "
    let offset = rect.width - DisplayWidth.of(right)
    if offset > DisplayWidth.of(" slicer chat · \(model)") + 1 {
      canvas.text(right, in: rect, line: 0, offset: offset, style: .title)
    }
  }
}

/// The latest notice (info, warning, error), or else the line saying which model runs.
struct NoticeLine {
  func draw(_ state: ScreenState, in rect: Rect, on canvas: inout some Canvas) {
    guard !rect.isEmpty else { return }
    if let notice = state.notice {
      let style: Style =
        switch notice.level {
        case .info: .note
        case .warning: .warning
        case .error: .error
        }
      canvas.text(" " + notice.text, in: rect, line: 0, style: style)
    } else if let modelNotice = state.modelNotice {
      canvas.text(" " + modelNotice, in: rect, line: 0, style: .note)
    }
  }
}

/// htop's function-key bar: the key, then its label in reverse.
struct KeyHintBar {
  static let labelWidth = 7

  func draw(in rect: Rect, on canvas: inout some Canvas) {
    guard !rect.isEmpty else { return }
    var spans: [(String, Style)] = []
    for hint in KeyMap.hints {
      spans.append((hint.key, .hintKey))
      spans.append((Format.padded(hint.label, to: Self.labelWidth), .hintLabel))
    }
    canvas.spans(spans, in: rect, line: 0)
    let used = spans.reduce(0) { $0 + DisplayWidth.of($1.0) }
    if used < rect.width {
      canvas.text("", in: rect, line: 0, offset: used, style: .hintLabel, fill: true)
    }
  }
}
