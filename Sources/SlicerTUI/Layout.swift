/// Where each pane goes on a screen of a given size:
///
/// ```
/// ┌ title bar ─────────────────────────────────────────────┐
/// │ chat pane (conversation)            │ link pane          │
/// │                                     │ ABQ pane           │
/// │                                     │ timing pane        │
/// ├ notice line ─────────────────────────────────────────────┤
/// ├ input line (readline) ───────────────────────────────────┤
/// └ F-key hints ─────────────────────────────────────────────┘
/// ```
///
/// The side panes get a third to two fifths of the width (34…52 columns); below 64 columns or
/// 12 body rows they are dropped and the conversation takes the whole width.
public struct Layout: Equatable, Sendable {
  public var title: Rect
  public var chat: Rect
  /// The column of the line between the conversation and the side panes, if shown.
  public var separatorColumn: Int?
  public var link: Rect
  public var abq: Rect
  public var timing: Rect
  public var notice: Rect
  public var input: Rect
  public var hints: Rect

  /// Natural heights of the side panes (their heading included).
  public static let linkHeight = 9
  public static let abqHeight = 7
  public static let timingHeight = 4
  public static let sideMinimumWidth = 34
  public static let sideMaximumWidth = 52

  public init(width: Int, height: Int) {
    let width = max(width, 0)
    let height = max(height, 0)
    title = Rect(row: 0, column: 0, width: width, height: min(height, 1))
    let bodyTop = min(height, 1)
    let bottomRows = min(max(height - bodyTop, 0), 3)
    let bodyHeight = max(height - bodyTop - bottomRows, 0)
    let bottomTop = bodyTop + bodyHeight
    notice = Rect(row: bottomTop, column: 0, width: width, height: bottomRows >= 3 ? 1 : 0)
    input = Rect(
      row: height - min(bottomRows, 2), column: 0, width: width, height: bottomRows >= 2 ? 1 : 0)
    hints = Rect(row: height - 1, column: 0, width: width, height: bottomRows >= 1 ? 1 : 0)

    let showSide = width >= 64 && bodyHeight >= 12
    guard showSide else {
      chat = Rect(row: bodyTop, column: 0, width: width, height: bodyHeight)
      separatorColumn = nil
      link = Rect(row: bodyTop, column: width, width: 0, height: 0)
      abq = link
      timing = link
      return
    }
    let sideWidth = min(max(width * 2 / 5, Self.sideMinimumWidth), Self.sideMaximumWidth)
    let chatWidth = width - sideWidth - 1
    chat = Rect(row: bodyTop, column: 0, width: chatWidth, height: bodyHeight)
    separatorColumn = chatWidth
    let sideColumn = chatWidth + 1
    // Extra rows go to the link pane (a taller bits history); a short screen cuts the timing
    // pane first, then the ABQ pane.
    let natural = Self.linkHeight + Self.abqHeight + Self.timingHeight
    let linkRows = min(bodyHeight, Self.linkHeight + max(bodyHeight - natural, 0))
    let abqRows = min(max(bodyHeight - linkRows, 0), Self.abqHeight)
    let timingRows = min(max(bodyHeight - linkRows - abqRows, 0), Self.timingHeight)
    link = Rect(row: bodyTop, column: sideColumn, width: sideWidth, height: linkRows)
    abq = Rect(row: link.bottom, column: sideColumn, width: sideWidth, height: abqRows)
    timing = Rect(row: abq.bottom, column: sideColumn, width: sideWidth, height: timingRows)
  }
}
