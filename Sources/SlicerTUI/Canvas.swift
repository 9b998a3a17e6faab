/// A rectangle of cells: rows from the top, columns from the left.
public struct Rect: Equatable, Sendable {
  public var row: Int
  public var column: Int
  public var width: Int
  public var height: Int

  public init(row: Int, column: Int, width: Int, height: Int) {
    self.row = row
    self.column = column
    self.width = max(width, 0)
    self.height = max(height, 0)
  }

  public var isEmpty: Bool { width == 0 || height == 0 }
  public var bottom: Int { row + height }
  public var right: Int { column + width }
}

/// What a piece of text means; the terminal decides how that looks (colors, or with `NO_COLOR`
/// only bold, dim and reverse).
public enum Style: Equatable, Sendable, CaseIterable {
  case normal
  /// The title bar across the top.
  case title
  /// A pane's heading.
  case heading
  case label
  /// A number or name worth seeing at a glance.
  case value
  case user
  case assistant
  case note
  case warning
  case error
  /// Bars and sparklines.
  case bar
  /// The F-key bar: the key, and its label.
  case hintKey
  case hintLabel
  /// The help overlay's box.
  case overlay
}

/// Where panes draw: the curses screen, or an in-memory grid in tests.
public protocol Canvas {
  var width: Int { get }
  var height: Int { get }
  /// Writes `text` starting at a cell; the caller has clipped it to fit.
  mutating func put(_ text: Substring, row: Int, column: Int, style: Style)
  /// Puts the terminal's cursor here (the input line's caret).
  mutating func placeCursor(row: Int, column: Int)
}

extension Canvas {
  /// `text` at a line of `rect`, clipped to the rect's width; the rest of the line, when
  /// `fill` is set, painted blank in the same style (for bars across a pane).
  public mutating func text(
    _ text: String, in rect: Rect, line: Int, offset: Int = 0, style: Style = .normal,
    fill: Bool = false
  ) {
    guard line >= 0, line < rect.height, offset >= 0, offset < rect.width else { return }
    let room = rect.width - offset
    let (fitted, used) = DisplayWidth.prefix(text, fitting: room)
    if !fitted.isEmpty {
      put(fitted, row: rect.row + line, column: rect.column + offset, style: style)
    }
    if fill && used < room {
      put(
        Substring(String(repeating: " ", count: room - used)), row: rect.row + line,
        column: rect.column + offset + used, style: style)
    }
  }

  /// Runs of (text, style) one after another along a line, clipped to the rect.
  public mutating func spans(_ spans: [(String, Style)], in rect: Rect, line: Int, offset: Int = 0)
  {
    var column = offset
    for (text, style) in spans {
      guard column < rect.width else { return }
      self.text(text, in: rect, line: line, offset: column, style: style)
      column += DisplayWidth.of(text)
    }
  }

  /// Paints `rect` blank.
  public mutating func clear(_ rect: Rect, style: Style = .normal) {
    for line in 0..<rect.height { text("", in: rect, line: line, style: style, fill: true) }
  }
}
