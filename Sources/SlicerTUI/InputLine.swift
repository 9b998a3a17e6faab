/// The line being edited, as the line editor reports it.
public struct InputState: Equatable, Sendable {
  /// `» `, or readline's search prompt during Ctrl-R.
  public var prompt: String
  public var beforeCursor: String
  public var afterCursor: String
  public var searching: Bool

  public init(
    prompt: String = "» ", beforeCursor: String = "", afterCursor: String = "",
    searching: Bool = false
  ) {
    self.prompt = prompt
    self.beforeCursor = beforeCursor
    self.afterCursor = afterCursor
    self.searching = searching
  }

  public var text: String { beforeCursor + afterCursor }
  public var isEmpty: Bool { beforeCursor.isEmpty && afterCursor.isEmpty }
}

/// The input line: prompt, text, and the caret, scrolled sideways to keep the caret in view.
struct InputLine {
  func draw(_ input: InputState, in rect: Rect, on canvas: inout some Canvas) {
    guard !rect.isEmpty else { return }
    let prompt = DisplayWidth.prefix(input.prompt, fitting: max(rect.width - 1, 0)).text
    let promptWidth = DisplayWidth.of(prompt)
    canvas.text(String(prompt), in: rect, line: 0, style: input.searching ? .note : .user)
    let room = rect.width - promptWidth
    guard room > 0 else { return }
    // Keep the caret on screen: when the text before it is too long, show its end.
    let before =
      DisplayWidth.of(input.beforeCursor) < room
      ? Substring(input.beforeCursor) : DisplayWidth.suffix(input.beforeCursor, fitting: room - 1)
    let beforeWidth = DisplayWidth.of(before)
    canvas.text(String(before) + input.afterCursor, in: rect, line: 0, offset: promptWidth)
    canvas.placeCursor(row: rect.row, column: rect.column + promptWidth + beforeWidth)
  }
}
