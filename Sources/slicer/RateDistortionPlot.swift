import Foundation
import SlicerModel

/// A bits/token (log scale) vs Δperplexity chart as a standalone SVG, one panel per split with a
/// shared y axis. Each codec family (SLICER per measure and group count, each baseline) has one
/// colour; a family's budgets are joined by a line in order of bits. Filled markers are
/// quality-neutral (Δppl ≤ 1 % and KL ≤ 0.01), hollow ones are not; every marker carries a
/// tooltip with its codec and figures. The band Δppl ≤ 1 % is shaded.
enum RateDistortionPlot {
  static let panelWidth = 300.0
  static let gap = 30.0
  static let left = 70.0
  static let legendWidth = 190.0
  static let top = 66.0
  static let plotHeight = 380.0
  static let colors = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
    "#7f7f7f", "#bcbd22",
  ]

  /// The family a codec string belongs to: SLICER without its budget (`slicer`,
  /// `slicer:m=mse`, `slicer:g=4`…), any other codec itself.
  static func family(of codec: String) -> String {
    let fields = codec.split(separator: ":", omittingEmptySubsequences: false)
    guard fields.first == "slicer", fields.count >= 2 else { return codec }
    return ([fields[0]] + fields.dropFirst(2)).joined(separator: ":")
  }

  static func svg(_ rows: [RateDistortionRow], title: String) -> String {
    let points = rows.filter { $0.bitsPerToken > 0 && $0.perplexity.isFinite }
    let splits = Array(Set(points.map(\.split))).sorted()
    var families: [String] = []
    for row in points where !families.contains(family(of: row.codec)) {
      families.append(family(of: row.codec))
    }
    let width = left + Double(max(splits.count, 1)) * (panelWidth + gap) + legendWidth
    let height = top + plotHeight + 60

    let bits = points.map(\.bitsPerToken)
    let lo = log10(max((bits.min() ?? 10) / 1.3, 1))
    let hi = log10((bits.max() ?? 10000) * 1.3)
    let deltas = points.map(\.deltaPerplexityPercent)
    let yMin = min(deltas.min() ?? 0, -1)
    // Points far above the interesting range (a broken setting at +50,000 %) are drawn at the
    // top edge with their value, so they do not flatten everything else.
    let yMax = min(max(deltas.max() ?? 1, 2) * 1.1, 10)
    func y(_ d: Double) -> Double { top + (yMax - d) / max(yMax - yMin, 1e-9) * plotHeight }

    var out = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12">
      <rect width="100%" height="100%" fill="white"/>
      <text x="\(left)" y="22" font-size="15" font-weight="bold">\(escape(title))</text>
      <text x="\(left)" y="38" font-size="11" fill="#555">filled: quality-neutral (Δppl ≤ 1 % and KL ≤ 0.01 nats); hollow: not. Hover a point for its figures.</text>

      """
    // The y axis once, on the left of the first panel.
    let step = niceStep((yMax - yMin) / 6)
    var tick = (yMin / step).rounded(.up) * step
    while tick <= yMax {
      out += "<text x='\(left - 6)' y='\(y(tick) + 4)' text-anchor='end'>\(format(tick))</text>\n"
      tick += step
    }
    out += "<text x='18' y='\(top + plotHeight / 2)' transform='rotate(-90 18 \(top + plotHeight / 2))' text-anchor='middle'>Δ perplexity vs uncompressed (%)</text>\n"

    for (index, split) in splits.enumerated() {
      let x0 = left + Double(index) * (panelWidth + gap)
      func x(_ b: Double) -> Double { x0 + (log10(b) - lo) / max(hi - lo, 1e-9) * panelWidth }
      out += panelFrame(x0: x0, y: y, yMin: yMin, yMax: yMax, step: step, lo: lo, hi: hi, x: x)
      out += "<text x='\(x0 + panelWidth / 2)' y='\(top - 8)' text-anchor='middle' font-weight='bold'>split \(split)</text>\n"
      for (f, name) in families.enumerated() {
        let color = colors[f % colors.count]
        let members = points.filter { $0.split == split && family(of: $0.codec) == name }
          .sorted { $0.bitsPerToken < $1.bitsPerToken }
        let placed = members.map { (x($0.bitsPerToken), y(min($0.deltaPerplexityPercent, yMax))) }
        if placed.count > 1 {
          let path = placed.map { "\($0.0),\($0.1)" }.joined(separator: " ")
          out += "<polyline points='\(path)' fill='none' stroke='\(color)' stroke-width='1.5'/>\n"
        }
        for (row, (px, py)) in zip(members, placed) {
          out += marker(row, at: px, py, color: color, clipped: row.deltaPerplexityPercent > yMax)
        }
      }
    }
    out += "<text x='\(left + Double(splits.count) * (panelWidth + gap) / 2)' y='\(height - 14)' text-anchor='middle'>bits per token (log scale, all parts counted)</text>\n"

    let legendX = left + Double(splits.count) * (panelWidth + gap)
    for (f, name) in families.enumerated() {
      let color = colors[f % colors.count]
      let ly = top + 10 + 20 * Double(f)
      out += "<circle cx='\(legendX + 6)' cy='\(ly)' r='5' fill='\(color)'/>\n"
      out += "<text x='\(legendX + 18)' y='\(ly + 4)'>\(escape(legendName(name)))</text>\n"
    }
    return out + "</svg>\n"
  }

  private static func panelFrame(
    x0: Double, y: (Double) -> Double, yMin: Double, yMax: Double, step: Double, lo: Double,
    hi: Double, x: (Double) -> Double
  ) -> String {
    let bottom = top + plotHeight
    var out =
      "<rect x='\(x0)' y='\(y(1))' width='\(panelWidth)' height='\(max(y(yMin) - y(1), 0))' fill='#e8f5e9'/>\n"
    var tick = (yMin / step).rounded(.up) * step
    while tick <= yMax {
      out += "<line x1='\(x0)' y1='\(y(tick))' x2='\(x0 + panelWidth)' y2='\(y(tick))' stroke='#eee'/>\n"
      tick += step
    }
    var decade = floor(lo)
    while decade <= hi {
      for m in [1.0, 2.0, 5.0] {
        let v = m * pow(10, decade)
        guard log10(v) >= lo, log10(v) <= hi else { continue }
        out += "<line x1='\(x(v))' y1='\(top)' x2='\(x(v))' y2='\(bottom)' stroke='#eee'/>\n"
        out += "<text x='\(x(v))' y='\(bottom + 16)' text-anchor='middle' font-size='10'>\(Int(v))</text>\n"
      }
      decade += 1
    }
    out += "<line x1='\(x0)' y1='\(y(0))' x2='\(x0 + panelWidth)' y2='\(y(0))' stroke='#999'/>\n"
    out += "<rect x='\(x0)' y='\(top)' width='\(panelWidth)' height='\(plotHeight)' fill='none' stroke='black'/>\n"
    return out
  }

  private static func marker(
    _ row: RateDistortionRow, at px: Double, _ py: Double, color: String, clipped: Bool
  ) -> String {
    let tip =
      "\(row.codec) at split \(row.split): "
      + String(
        format: "%.0f bits/token, Δppl %+.2f %%, KL %.4f, top-1 %.3f", row.bitsPerToken,
        row.deltaPerplexityPercent, row.kl, row.top1Agreement)
    var out =
      "<circle cx='\(px)' cy='\(py)' r='4' fill='\(row.isQualityNeutral ? color : "white")' stroke='\(color)' stroke-width='2'><title>\(escape(tip))</title></circle>\n"
    if clipped {
      out += "<text x='\(px)' y='\(py + 16)' text-anchor='middle' fill='\(color)' font-size='10'>\(String(format: "%+.0f %%", row.deltaPerplexityPercent))</text>\n"
    }
    return out
  }

  private static func legendName(_ family: String) -> String {
    switch family {
    case "slicer": "slicer (relative budgets)"
    case "slicer:m=mse": "slicer m=mse (MSE budgets)"
    default: family
    }
  }

  static func niceStep(_ raw: Double) -> Double {
    let magnitude = pow(10, floor(log10(max(raw, 1e-9))))
    for m in [1.0, 2.0, 5.0, 10.0] where m * magnitude >= raw { return m * magnitude }
    return 10 * magnitude
  }

  static func format(_ v: Double) -> String {
    abs(v) >= 10 || v == v.rounded() ? String(Int(v.rounded())) : String(format: "%.1f", v)
  }

  static func escape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
  }
}
