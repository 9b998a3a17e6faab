import Foundation

/// F1: the keys and the slash commands, in a box over the middle of the screen.
struct HelpOverlay {
  let budgetFactor: Double

  var lines: [String] {
    let factor =
      abs(budgetFactor - 10.0.squareRoot()) < 1e-9 ? "√10" : String(format: "%g", budgetFactor)
    var lines = [
      "F1          this help (any key closes it)",
      "F2 / F3     distortion budget ÷ / × \(factor)",
      "F4 / F5     split one layer down / up",
      "F6          next codec: slicer topk int8 fp16 none",
      "F8          new conversation",
      "F10, ^D     quit",
      "Ctrl-C      stop the answer; clear the line;",
      "            twice at an empty prompt: quit",
      "PgUp/PgDn   scroll the conversation (or the wheel)",
      "↑ ↓, Ctrl-R history, history search; Ctrl-A/E…",
      "",
    ]
    lines += SlashCommand.usage.map { Format.padded($0.command, to: 18) + $0.summary }
    return lines
  }

  func draw(in screen: Rect, on canvas: inout some Canvas) {
    let body = lines
    let width = min((body.map { DisplayWidth.of($0) }.max() ?? 0) + 4, screen.width)
    let height = min(body.count + 2, screen.height)
    guard width >= 8, height >= 3 else { return }
    let box = Rect(
      row: screen.row + (screen.height - height) / 2,
      column: screen.column + (screen.width - width) / 2,
      width: width, height: height)
    let title = "─ slicer chat: keys and commands "
    let top =
      "┌" + title + String(repeating: "─", count: max(width - 2 - DisplayWidth.of(title), 0)) + "┐"
    canvas.text(top, in: box, line: 0, style: .overlay)
    for line in 1..<(height - 1) {
      let text = line - 1 < body.count ? body[line - 1] : ""
      canvas.text(
        "│ " + Format.padded(text, to: width - 4) + " │", in: box, line: line, style: .overlay)
    }
    canvas.text(
      "└" + String(repeating: "─", count: width - 2) + "┘", in: box, line: height - 1,
      style: .overlay)
  }
}
