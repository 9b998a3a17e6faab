import Foundation

/// Numbers as the panes print them.
enum Format {
  /// `1.0e-03`.
  static func scientific(_ x: Double) -> String {
    guard x.isFinite else { return x > 0 ? "inf" : "-" }
    return String(format: "%.1e", x)
  }

  /// A distortion budget as typed and as in the codec's name: `0.001`, `0.00316`, `1e-05`.
  static func budget(_ x: Double) -> String {
    guard x.isFinite else { return "-" }
    return String(format: "%.3g", x)
  }

  /// A relative squared error as decibels: `-30.0 dB`; exact (0) is `exact`.
  static func decibels(_ distortion: Double) -> String {
    guard distortion > 0, distortion.isFinite else { return distortion == 0 ? "exact" : "-" }
    return String(format: "%.1f dB", 10 * log10(distortion))
  }

  /// Milliseconds with a precision that suits their size: `0.42`, `3.1`, `125`.
  static func milliseconds(_ ms: Double?) -> String {
    guard let ms, ms.isFinite else { return "-" }
    if ms < 1 { return String(format: "%.2f", ms) }
    if ms < 100 { return String(format: "%.1f", ms) }
    return String(format: "%.0f", ms)
  }

  static func fixed(_ x: Double?, digits: Int = 1) -> String {
    guard let x, x.isFinite else { return "-" }
    return String(format: "%.\(digits)f", x)
  }

  /// `text` padded with spaces to `width` display cells.
  static func padded(_ text: String, to width: Int) -> String {
    text + String(repeating: " ", count: max(width - DisplayWidth.of(text), 0))
  }

  /// `text` right-aligned in `width` display cells.
  static func rightAligned(_ text: String, to width: Int) -> String {
    String(repeating: " ", count: max(width - DisplayWidth.of(text), 0)) + text
  }
}
