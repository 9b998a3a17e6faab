import Foundation
import SlicerModel

/// A bits/token (log scale) vs Δperplexity chart as a standalone SVG: one colour per split, each
/// point labelled with its codec; the quality-neutral band (Δppl ≤ 1 %) shaded.
enum RateDistortionPlot {
  static func svg(_ rows: [RateDistortionRow], title: String) -> String {
    let points = rows.filter { $0.bitsPerToken > 0 && $0.perplexity.isFinite }
    let width = 860.0
    let height = 520.0
    let left = 70.0
    let right = 200.0
    let top = 40.0
    let bottom = 60.0
    let plotW = width - left - right
    let plotH = height - top - bottom
    let bits = points.map(\.bitsPerToken)
    let lo = log10(max((bits.min() ?? 10) / 1.5, 1))
    let hi = log10((bits.max() ?? 10000) * 1.5)
    let deltas = points.map(\.deltaPerplexityPercent)
    let yMin = min(deltas.min() ?? 0, -1)
    // Points far above the interesting range (a broken setting at +50,000 %) are drawn at the top
    // edge with their value, so they do not flatten everything else.
    let cap = 25.0
    let yMax = min(max(deltas.max() ?? 1, 2) * 1.1, cap)
    func x(_ b: Double) -> Double { left + (log10(b) - lo) / max(hi - lo, 1e-9) * plotW }
    func y(_ d: Double) -> Double { top + (yMax - d) / max(yMax - yMin, 1e-9) * plotH }
    let colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]
    let splits = Array(Set(points.map(\.split))).sorted()

    var out = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12">
      <rect width="100%" height="100%" fill="white"/>
      <text x="\(left)" y="24" font-size="15" font-weight="bold">\(escape(title))</text>
      <rect x="\(left)" y="\(y(1))" width="\(plotW)" height="\(max(y(yMin) - y(1), 0))" fill="#e8f5e9"/>
      <text x="\(left + 6)" y="\(y(1) + 14)" fill="#2e7d32">Δppl ≤ 1 %</text>

      """
    // Axes and ticks: powers of ten and their 2×, 5× on x; a few round values on y.
    out += "<line x1='\(left)' y1='\(top + plotH)' x2='\(left + plotW)' y2='\(top + plotH)' stroke='black'/>\n"
    out += "<line x1='\(left)' y1='\(top)' x2='\(left)' y2='\(top + plotH)' stroke='black'/>\n"
    var decade = floor(lo)
    while decade <= hi {
      for m in [1.0, 2.0, 5.0] {
        let v = m * pow(10, decade)
        guard log10(v) >= lo, log10(v) <= hi else { continue }
        out += "<line x1='\(x(v))' y1='\(top)' x2='\(x(v))' y2='\(top + plotH)' stroke='#eee'/>\n"
        out += "<text x='\(x(v))' y='\(top + plotH + 16)' text-anchor='middle'>\(Int(v))</text>\n"
      }
      decade += 1
    }
    let step = niceStep((yMax - yMin) / 6)
    var tick = (yMin / step).rounded(.up) * step
    while tick <= yMax {
      out += "<line x1='\(left)' y1='\(y(tick))' x2='\(left + plotW)' y2='\(y(tick))' stroke='#eee'/>\n"
      out += "<text x='\(left - 6)' y='\(y(tick) + 4)' text-anchor='end'>\(format(tick))</text>\n"
      tick += step
    }
    out += "<text x='\(left + plotW / 2)' y='\(height - 18)' text-anchor='middle'>bits per token (log scale, all parts counted)</text>\n"
    out += "<text x='18' y='\(top + plotH / 2)' transform='rotate(-90 18 \(top + plotH / 2))' text-anchor='middle'>Δ perplexity vs uncompressed (%)</text>\n"
    for (i, split) in splits.enumerated() {
      let color = colors[i % colors.count]
      for row in points.filter({ $0.split == split }) {
        let px = x(row.bitsPerToken)
        let clipped = row.deltaPerplexityPercent > yMax
        let py = y(min(row.deltaPerplexityPercent, yMax))
        let label = escape(row.codec) + (clipped ? String(format: " (%+.0f %%, off the chart)", row.deltaPerplexityPercent) : "")
        out += "<circle cx='\(px)' cy='\(py)' r='4.5' fill='\(clipped ? "white" : color)' stroke='\(color)' stroke-width='2'/>\n"
        out += "<text x='\(px + 6)' y='\(py + (clipped ? 16 : -6))' fill='\(color)' font-size='10'>\(label)</text>\n"
      }
      out += "<circle cx='\(left + plotW + 20)' cy='\(top + 20 + 20 * Double(i))' r='5' fill='\(color)'/>\n"
      out += "<text x='\(left + plotW + 32)' y='\(top + 24 + 20 * Double(i))'>split \(split)</text>\n"
    }
    return out + "</svg>\n"
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
