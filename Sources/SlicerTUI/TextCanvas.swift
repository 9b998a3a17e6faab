/// A canvas in memory: the screen as text, for tests and for `--plain` snapshots.
///
/// Each cell holds one character; a wide character fills its cell and leaves the next one
/// empty (`""`), as a terminal does.
public struct TextCanvas: Canvas {
  public let width: Int
  public let height: Int
  public private(set) var cells: [[String]]
  public private(set) var styles: [[Style]]
  public private(set) var cursor: (row: Int, column: Int)?

  public init(width: Int, height: Int) {
    self.width = max(width, 0)
    self.height = max(height, 0)
    cells = Array(repeating: Array(repeating: " ", count: self.width), count: self.height)
    styles = Array(repeating: Array(repeating: .normal, count: self.width), count: self.height)
  }

  public mutating func put(_ text: Substring, row: Int, column: Int, style: Style) {
    guard row >= 0, row < height else { return }
    var column = column
    for character in text {
      let w = DisplayWidth.of(character)
      guard w > 0 else { continue }
      guard column >= 0, column + w <= width else { return }
      cells[row][column] = String(character)
      styles[row][column] = style
      if w == 2 {
        cells[row][column + 1] = ""
        styles[row][column + 1] = style
      }
      column += w
    }
  }

  public mutating func placeCursor(row: Int, column: Int) { cursor = (row, column) }

  /// The rows as strings, trailing blanks removed.
  public var lines: [String] {
    cells.map { row in
      var line = row.joined()
      while line.last == " " { line.removeLast() }
      return line
    }
  }

  /// The whole screen, one row per line.
  public var text: String { lines.joined(separator: "\n") }

  /// The style of the cell at a row and column.
  public func style(row: Int, column: Int) -> Style? {
    guard row >= 0, row < height, column >= 0, column < width else { return nil }
    return styles[row][column]
  }
}
