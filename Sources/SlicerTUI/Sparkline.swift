/// Text charts from Unicode block elements: sparklines (eighth-height bars) and horizontal
/// bars (eighth-width ends).
public enum Sparkline {
  /// Heights 1/8…8/8.
  static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
  /// Widths 1/8…7/8 for the ragged end of a horizontal bar.
  static let partials: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]

  /// The last `width` values as bars scaled to `maximum` (default: the largest shown). Zero
  /// is a blank; any positive value shows at least the lowest bar. Right-aligned: the newest
  /// value is the last character.
  public static func render(_ values: [Double], width: Int, maximum: Double? = nil) -> String {
    guard width > 0 else { return "" }
    let shown = values.suffix(width)
    let top = maximum ?? shown.max() ?? 0
    let bars = shown.map { glyph($0, top: top) }
    return String(repeating: " ", count: width - shown.count) + String(bars)
  }

  /// The last `width` values scaled between their own minimum and maximum (the minimum shows
  /// as the lowest bar), so that small changes — bits per step moving by 10% — are visible.
  /// Equal values show at half height.
  public static func autoscaled(_ values: [Double], width: Int) -> String {
    let shown = Array(values.suffix(max(width, 0)))
    let (base, top) = scale(shown)
    return render(shown.map { $0 - base }, width: width, maximum: top)
  }

  /// The zero line and full height that put the smallest value at the lowest bar and the
  /// largest at the top (equal values: zero and twice the value, i.e. half height).
  static func scale(_ values: [Double]) -> (base: Double, top: Double) {
    guard let low = values.min(), let high = values.max(), low > 0 else {
      return (0, values.max() ?? 0)
    }
    if high == low { return (0, 2 * high) }
    let base = low - (high - low) / 7
    return (base, high - base)
  }

  /// One bar for `value` on a scale whose full height is `top`.
  public static func glyph(_ value: Double, top: Double) -> Character {
    guard value > 0, top > 0, value.isFinite else { return " " }
    // The small allowance keeps exact fractions (1/8, 1/2) from rounding up a level.
    let level = Int((min(value / top, 1) * 8 - 1e-9).rounded(.up)) - 1
    return levels[max(0, min(level, 7))]
  }

  /// A horizontal bar `fraction` of `width` cells long, with an eighth-resolution end.
  public static func bar(_ fraction: Double, width: Int) -> String {
    guard width > 0, fraction.isFinite else { return "" }
    let eighths = Int((max(0, min(fraction, 1)) * Double(width * 8)).rounded())
    var text = String(repeating: "█", count: eighths / 8)
    if eighths % 8 > 0 { text.append(partials[eighths % 8 - 1]) }
    return text
  }
}
