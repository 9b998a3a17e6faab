import SlicerCodec

/// What crosses the split: model, split, codec, tail, budget, bits of the last step with a
/// history sparkline, the turn's mean bits per token against fp16, and the achieved distortion.
///
/// ```
///  Link ──────────────────────────
///  model  SmolLM2-135M-Instruct
///  split  15/30  codec slicer:0.001
///  tail   in-process ● connected
///  budget 1.0e-03 (-30.0 dB)
///  step   2934 bits ▂▃▅▇█▆▅▃▂▁▂▃▅▇
///  turn   2934 b/tok, 3.1× < fp16
///  dist   9.5e-04 (-30.2 dB)
///  ctx    57/8192
/// ```
/// Rows beyond these show the bits history as a taller chart.
struct LinkPane {
  static let labelWidth = 8

  func draw(_ state: ScreenState, in rect: Rect, on canvas: inout some Canvas) {
    guard !rect.isEmpty else { return }
    PaneHeading.draw("Link", in: rect, on: &canvas)
    var row = 1
    func line(_ label: String, _ spans: [(String, Style)]) {
      guard row < rect.height else { return }
      canvas.spans(
        [(" " + Format.padded(label, to: Self.labelWidth - 1), .label)] + spans, in: rect, line: row
      )
      row += 1
    }
    let settings = state.settings
    let model = state.model
    line("model", [(model?.name ?? (state.loading ? "loading…" : "none"), .value)])
    if let settings, let model {
      line(
        "split",
        [
          ("\(settings.split)/\(model.layerCount)", .value), ("  codec ", .label),
          (settings.codec.description, .value),
        ])
    } else {
      line("split", [("-", .label)])
    }
    let dot = state.connected ? "●" : "○"
    line(
      "tail",
      [
        (state.endpoint, .value), (" \(dot) ", state.connected ? .bar : .error),
        (state.connected ? "connected" : "not connected", state.connected ? .label : .error),
      ])
    line("budget", budgetSpans(settings?.codec))

    let stats = state.link
    let bits = stats.lastStepBits.map { "\($0) bits " } ?? "- "
    let chartWidth = max(rect.width - Self.labelWidth - DisplayWidth.of(bits) - 1, 0)
    line("step", [(bits, .value), (Sparkline.autoscaled(stats.history, width: chartWidth), .bar)])

    var turnSpans: [(String, Style)] = [("-", .label)]
    if let perToken = stats.turn.bitsPerToken {
      turnSpans = [(Format.fixed(perToken, digits: 0), .value), (" b/tok", .label)]
      if let model, perToken > 0 {
        let ratio = Double(model.fp16Bits) / perToken
        turnSpans += [
          (", ", .label), (Format.fixed(ratio, digits: 1) + "×", .value), (" < fp16", .label),
        ]
      }
    }
    line("turn", turnSpans)
    if let distortion = stats.turn.meanDistortion {
      line(
        "dist",
        [(Format.scientific(distortion), .value), (" (\(Format.decibels(distortion)))", .label)])
    } else {
      line("dist", [("-", .label)])
    }
    let context = model.map { "/\($0.contextLength)" } ?? ""
    line(
      "ctx",
      [("\(state.positionsUsed)", state.contextFull ? .warning : .value), (context, .label)]
        + (state.contextFull ? [(" full", .warning)] : []))

    // Spare rows: a taller history chart, as many rows as there are, scaled together.
    let chartRows = rect.height - row
    if chartRows > 0 {
      let width = max(rect.width - 2, 0)
      let chart = TallSparkline.render(stats.history, width: width, rows: chartRows)
      for (index, text) in chart.enumerated() {
        canvas.text(text, in: rect, line: row + index, offset: 1, style: .bar)
      }
    }
  }

  private func budgetSpans(_ codec: CodecSpec?) -> [(String, Style)] {
    switch codec {
    case .slicer(let budget, _, .relative)?:
      return [(Format.budget(budget), .value), (" (\(Format.decibels(budget)))", .label)]
    case .slicer(let budget, _, .meanSquared)?:
      return [(Format.budget(budget), .value), (" (mean squared error)", .label)]
    case CodecSpec.none?:
      return [("none", .label), (" (floats, no codec)", .label)]
    case let codec?:
      return [("-", .label), (" (\(codec.description) has none)", .label)]
    case nil:
      return [("-", .label)]
    }
  }
}

/// A sparkline several rows tall, scaled like `Sparkline.autoscaled`: each column a stack of
/// full blocks with an eighth-block top.
enum TallSparkline {
  static func render(_ values: [Double], width: Int, rows: Int) -> [String] {
    guard width > 0, rows > 0 else { return [] }
    let raw = Array(values.suffix(width))
    let (base, top) = Sparkline.scale(raw)
    let shown = raw.map { $0 - base }
    let pad = width - shown.count
    return (0..<rows).map { rowFromTop in
      let floor = Double(rows - 1 - rowFromTop)  // this row covers [floor, floor+1) of `rows`
      var line = String(repeating: " ", count: pad)
      for value in shown {
        let height = top > 0 ? value / top * Double(rows) : 0
        let inRow = height - floor
        if inRow >= 1 {
          line.append("█")
        } else if inRow > 0 {
          line.append(Sparkline.glyph(inRow, top: 1))
        } else {
          line.append(" ")
        }
      }
      return line
    }
  }
}
