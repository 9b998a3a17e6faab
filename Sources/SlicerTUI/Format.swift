import Foundation

/// Numbers as the panes print them. Formatted by hand rather than with `String(format:)`,
/// which costs more than the rest of a frame (every number is redrawn 30 times a second).
enum Format {
  /// `1.0e-03`, like `%.1e`.
  static func scientific(_ x: Double) -> String {
    guard x.isFinite else { return x > 0 ? "inf" : "-" }
    guard x != 0 else { return "0.0e+00" }
    var exponent = Int(log10(abs(x)).rounded(.down))
    var tenths = Int((abs(x) / power(of10: exponent) * 10).rounded(.toNearestOrEven))
    if tenths >= 100 {  // 9.96 rounds up to the next decade
      exponent += 1
      tenths = Int((abs(x) / power(of10: exponent) * 10).rounded(.toNearestOrEven))
    } else if tenths < 10 {  // log10 landed a hair below a power of ten
      exponent -= 1
      tenths = Int((abs(x) / power(of10: exponent) * 10).rounded(.toNearestOrEven))
    }
    let sign = x < 0 ? "-" : ""
    let exponentSign = exponent < 0 ? "-" : "+"
    let digits = abs(exponent) < 10 ? "0\(abs(exponent))" : "\(abs(exponent))"
    return "\(sign)\(tenths / 10).\(tenths % 10)e\(exponentSign)\(digits)"
  }

  /// A distortion budget as typed and as in the codec's name (`slicer:0.00316`): `0.001`,
  /// `0.00316`, `1e-05`.
  static func budget(_ x: Double) -> String {
    guard x.isFinite else { return "-" }
    return "\(x)"
  }

  /// A relative squared error as decibels: `-30.0 dB`; exact (0) is `exact`.
  static func decibels(_ distortion: Double) -> String {
    guard distortion > 0, distortion.isFinite else { return distortion == 0 ? "exact" : "-" }
    return fixed(10 * log10(distortion), digits: 1) + " dB"
  }

  /// Milliseconds with a precision that suits their size: `0.42`, `3.1`, `125`.
  static func milliseconds(_ ms: Double?) -> String {
    guard let ms, ms.isFinite else { return "-" }
    if ms < 1 { return fixed(ms, digits: 2) }
    if ms < 100 { return fixed(ms, digits: 1) }
    return fixed(ms, digits: 0)
  }

  /// Like `%.Nf` (N ≤ 6), without a minus sign on a value that rounds to zero. A value within
  /// rounding error of a tie (9.95 to one digit) may round the other way than printf's exact
  /// decimal rounding: a display difference only.
  static func fixed(_ x: Double?, digits: Int = 1) -> String {
    guard let x, x.isFinite else { return "-" }
    let digits = max(0, min(digits, 6))
    let scale = power(of10: digits)
    let scaled = (abs(x) * scale).rounded(.toNearestOrEven)
    guard scaled < 1e15 else { return String(format: "%.\(digits)f", x) }
    let units = Int(scaled)
    let whole = units / Int(scale)
    let sign = x < 0 && units > 0 ? "-" : ""
    guard digits > 0 else { return "\(sign)\(whole)" }
    let fraction = String(units % Int(scale))
    return "\(sign)\(whole)." + String(repeating: "0", count: digits - fraction.count) + fraction
  }

  private static func power(of10 exponent: Int) -> Double {
    let table: [Double] = [1, 10, 100, 1e3, 1e4, 1e5, 1e6]
    return exponent >= 0 && exponent < table.count ? table[exponent] : pow(10, Double(exponent))
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
