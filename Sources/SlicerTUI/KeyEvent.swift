/// A key press as the TUI sees it, decoded from curses (`Terminal.readKey`) — so that key
/// handling is a pure function of values, testable without a terminal.
public enum KeyEvent: Equatable, Sendable {
  /// A printable character (already decoded from UTF-8).
  case character(Unicode.Scalar)
  /// Ctrl plus a letter, as its ASCII code 1…26 (Ctrl-A = 1, Ctrl-C = 3); also ESC (27) and
  /// the other C0 codes that are not Enter, Tab or Backspace.
  case control(UInt8)
  /// F1…F12.
  case function(Int)
  case enter, tab, backspace, delete, insert
  case up, down, left, right, home, end, pageUp, pageDown
  /// Ctrl-← / Ctrl-→ (word moves).
  case wordLeft, wordRight
  case wheelUp, wheelDown
  /// The terminal changed size (SIGWINCH, delivered by curses as a key).
  case resize

  public static let ctrlC = KeyEvent.control(3)
  public static let ctrlD = KeyEvent.control(4)
  public static let ctrlL = KeyEvent.control(12)
  public static let escape = KeyEvent.control(27)

  /// The event for one C0 control byte or DEL, as a terminal in raw mode sends them.
  public init(controlByte byte: UInt8) {
    switch byte {
    case 9: self = .tab
    case 10, 13: self = .enter
    case 8, 127: self = .backspace
    default: self = .control(byte)
    }
  }
}
