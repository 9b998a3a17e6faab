/// A pane's first line: its name, then a rule to the right edge, with optional text after
/// the name (`Link ─────`, `ABQ · K+ 131 K− 120 ──`).
enum PaneHeading {
  static func draw(
    _ title: String, detail: String = "", in rect: Rect, on canvas: inout some Canvas
  ) {
    guard !rect.isEmpty else { return }
    let head = " \(title) "
    canvas.text(head, in: rect, line: 0, style: .heading)
    var offset = DisplayWidth.of(head)
    if !detail.isEmpty {
      canvas.text(detail + " ", in: rect, line: 0, offset: offset, style: .label)
      offset += DisplayWidth.of(detail) + 1
    }
    if offset < rect.width {
      canvas.text(
        String(repeating: "─", count: rect.width - offset), in: rect, line: 0, offset: offset,
        style: .label)
    }
  }
}
