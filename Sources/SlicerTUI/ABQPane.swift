import SlicerCodec

/// SLICER's adaptive bit quantization at work: the magnitude groups of the last step, per sign,
/// with the bitwidth each got (a bar and the digit) and its size; then how many values the
/// turn coded at each bitwidth.
///
/// ```
///  ABQ  K+ 131  K− 120 ───────────
///  + ▂2 ▃3 ▃3 ▄4 ▄4 ▅5 ▅5 ▇7
///    17 17 17 16 16 16 16 16
///  − ▂2 ▃3 ▃3 ▄4 ▄4 ▅5 ▆6 █8
///    15 15 15 15 15 15 15 15
///  turn ▁ ▃ ▆ █ ▅ ▃ ▂ ▁ ▁
///  bits 0 1 2 3 4 5 6 7 8
/// ```
struct ABQPane {
  func draw(_ state: ScreenState, in rect: Rect, on canvas: inout some Canvas) {
    guard !rect.isEmpty else { return }
    let last = state.link.last
    let detail = last.map { "K+ \($0.kPositive)  K− \($0.kNegative)" } ?? ""
    PaneHeading.draw("ABQ", detail: detail, in: rect, on: &canvas)
    guard let last else {
      canvas.text(" groups and bitwidths appear here", in: rect, line: 1, style: .label)
      return
    }
    if last.groups.isEmpty {
      canvas.text(" no groups: \(last.mode) codec", in: rect, line: 1, style: .label)
      canvas.text(" (F2/F3 switch to SLICER)", in: rect, line: 2, style: .label)
    } else {
      let positive = last.groups.filter { $0.sign == .positive }
      let negative = last.groups.filter { $0.sign == .negative }
      drawGroups("+", positive, in: rect, line: 1, on: &canvas)
      drawGroups("−", negative, in: rect, line: 3, on: &canvas)
    }
    let histogram = state.link.turn.bitwidthHistogram
    let top = Double(histogram.max() ?? 0)
    let bars = histogram.map { String(Sparkline.glyph(Double($0), top: top)) }.joined(
      separator: " ")
    canvas.spans([(" turn ", .label), (bars, .bar)], in: rect, line: 5)
    canvas.spans(
      [(" bits ", .label), ((0...8).map(String.init).joined(separator: " "), .label)], in: rect,
      line: 6)
  }

  /// Two lines for one sign's groups: bitwidths (bar + digit), then sizes, in columns.
  private func drawGroups(
    _ sign: String, _ groups: [GroupStats], in rect: Rect, line: Int, on canvas: inout some Canvas
  ) {
    guard !groups.isEmpty else {
      canvas.text(" \(sign) none kept", in: rect, line: line, style: .label)
      return
    }
    // Each group takes `column` cells: the size right-aligned, a space; above it the bar glyph
    // and the bitwidth digit ending at the same cell as the size.
    let column = max(3, (groups.map { String($0.count).count }.max() ?? 1) + 1)
    var bits: [(String, Style)] = [(" \(sign) ", .label)]
    var sizes = "   "
    for group in groups {
      let clamped = max(0, min(group.bits, 8))
      let glyph = clamped == 0 ? "·" : String(Sparkline.glyph(Double(clamped), top: 8))
      bits.append((String(repeating: " ", count: column - 3), .label))
      bits.append((glyph, .bar))
      bits.append(("\(clamped) ", .value))
      sizes += Format.rightAligned(String(group.count), to: column - 1) + " "
    }
    canvas.spans(bits, in: rect, line: line)
    canvas.text(sizes, in: rect, line: line + 1, style: .label)
  }
}
