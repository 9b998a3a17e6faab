/// Where the conversation pane looks: at the end (following new text), or at a fixed line.
public enum ChatScroll: Equatable, Sendable {
  case following
  /// The first visible line (0 = the top of the conversation).
  case anchored(top: Int)

  /// The first visible line when the pane is `height` lines tall and the text `total` long.
  public func firstLine(total: Int, height: Int) -> Int {
    let bottom = max(total - height, 0)
    switch self {
    case .following: return bottom
    case .anchored(let top): return min(max(top, 0), bottom)
    }
  }

  /// Moved by `lines` (negative: back towards the start); reaching the end follows again.
  public func moved(by lines: Int, total: Int, height: Int) -> ChatScroll {
    guard total > height else { return .following }
    let bottom = total - height
    let top = firstLine(total: total, height: height) + lines
    return top >= bottom ? .following : .anchored(top: max(top, 0))
  }

  /// One page is the pane's height less one line, kept for context.
  public static func page(height: Int) -> Int { max(height - 1, 1) }
}
