import CNcurses
import Foundation

/// The curses screen: start and stop (restoring the terminal however the program ends), colors
/// or `NO_COLOR`, and keys decoded into `KeyEvent`s.
final class Terminal {
  private let screen: OpaquePointer
  private(set) var styles: StylePalette
  /// Curses codes for Ctrl-← / Ctrl-→, which terminfo names only as extended keys.
  private var wordLeftCodes: Set<Int32> = []
  private var wordRightCodes: Set<Int32> = []

  enum StartError: Error, CustomStringConvertible {
    case noTerminal(String)
    var description: String {
      switch self {
      case .noTerminal(let term):
        "cannot start the full-screen chat on this terminal (TERM=\(term)); try `slicer chat --plain`"
      }
    }
  }

  init(noColor: Bool) throws {
    setlocale(LC_ALL, "")
    let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
    // newterm, unlike initscr, returns nil instead of exiting when the terminal is unusable.
    guard !term.isEmpty, let screen = slicer_newterm() else {
      throw StartError.noTerminal(term.isEmpty ? "unset" : term)
    }
    self.screen = screen
    set_term(screen)
    // A parent may have started us with signals blocked (they are inherited): curses needs
    // SIGWINCH to see resizes, and SIGINT/SIGTERM/SIGHUP must reach their handlers.
    var wanted = sigset_t()
    sigemptyset(&wanted)
    for signal in [SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGQUIT] { sigaddset(&wanted, signal) }
    pthread_sigmask(SIG_UNBLOCK, &wanted, nil)
    SignalGuard.restoreTerminalOnFatalSignals()
    SignalGuard.countInterrupts()
    raw()
    noecho()
    nonl()
    keypad(slicer_stdscr(), true)
    set_escdelay(25)
    mousemask(slicer_wheel_mask(), nil)
    mouseinterval(0)
    let useColor = !noColor && has_colors()
    if useColor {
      start_color()
      use_default_colors()
    }
    styles = StylePalette(color: useColor)
    for (name, target) in [("kLFT5", 0), ("kRIT5", 1), ("kLFT3", 0), ("kRIT3", 1)] {
      guard let sequence = tigetstr(name), Int(bitPattern: sequence) != -1 else { continue }
      let code = key_defined(sequence)
      if code > 0 {
        if target == 0 { wordLeftCodes.insert(code) } else { wordRightCodes.insert(code) }
      }
    }
  }

  /// Leaves curses mode; the shell gets its terminal back.
  func stop() {
    endwin()
    SignalGuard.stopRestoringTerminal()
    SignalGuard.defaultInterrupts()
    delscreen(screen)
  }

  var width: Int { Int(slicer_cols()) }
  var height: Int { Int(slicer_lines()) }

  /// SIGINTs delivered since the last call (`kill -INT`; Ctrl-C itself is a key in raw mode).
  func takeInterrupts() -> Int { SignalGuard.takeInterrupts() }

  /// Sleeps until the terminal has input, `descriptor` (if ≥ 0) is readable, or `seconds` pass.
  func waitForInput(or descriptor: Int32, seconds: Double) {
    var descriptors = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)]
    if descriptor >= 0 {
      descriptors.append(pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0))
    }
    _ = poll(&descriptors, nfds_t(descriptors.count), Int32(max(seconds, 0) * 1000))
  }

  /// The next key, waiting at most `milliseconds` (0: only one already typed).
  func readKey(waitingAtMost milliseconds: Int) -> KeyEvent? {
    wtimeout(slicer_stdscr(), Int32(milliseconds))
    var value: wint_t = 0
    let result = wget_wch(slicer_stdscr(), &value)
    switch result {
    case OK:
      if value < 0x20 || value == 0x7F { return KeyEvent(controlByte: UInt8(value)) }
      return Unicode.Scalar(UInt32(value)).map(KeyEvent.character)
    case KEY_CODE_YES:
      return special(Int32(bitPattern: value))
    default:
      return nil
    }
  }

  private func special(_ code: Int32) -> KeyEvent? {
    if code > KEY_F0 && code <= KEY_F0 + 12 { return .function(Int(code - KEY_F0)) }
    if wordLeftCodes.contains(code) { return .wordLeft }
    if wordRightCodes.contains(code) { return .wordRight }
    switch code {
    case KEY_UP: return .up
    case KEY_DOWN: return .down
    case KEY_LEFT: return .left
    case KEY_RIGHT: return .right
    case KEY_HOME: return .home
    case KEY_END: return .end
    case KEY_PPAGE: return .pageUp
    case KEY_NPAGE: return .pageDown
    case KEY_DC: return .delete
    case KEY_IC: return .insert
    case KEY_BACKSPACE: return .backspace
    case KEY_ENTER: return .enter
    case KEY_RESIZE: return .resize
    case KEY_MOUSE:
      var event = MEVENT()
      guard getmouse(&event) == OK else { return nil }
      if slicer_is_wheel_up(event.bstate) != 0 { return .wheelUp }
      if slicer_is_wheel_down(event.bstate) != 0 { return .wheelDown }
      return nil
    default: return nil
    }
  }

  /// The next frame repaints every cell (after a resize or Ctrl-L).
  func invalidate() { clearok(slicer_curscr(), true) }

  /// A blank canvas for the next frame.
  func canvas() -> CursesCanvas {
    werase(slicer_stdscr())
    return CursesCanvas(width: width, height: height, styles: styles)
  }

  /// Shows the frame: the caret where the input line put it, or hidden.
  func show(_ canvas: CursesCanvas) {
    if let (row, column) = canvas.cursor {
      wmove(slicer_stdscr(), Int32(row), Int32(column))
      curs_set(1)
    } else {
      curs_set(0)
    }
    wrefresh(slicer_stdscr())
  }
}

/// How each `Style` looks: color pairs and attributes, or attributes only (`NO_COLOR`).
struct StylePalette {
  let looks: [Style: (attributes: attr_t, pair: Int16)]

  init(color: Bool) {
    let bold = slicer_a_bold()
    let dim = slicer_a_dim()
    let reverse = slicer_a_reverse()
    if !color {
      looks = [
        .normal: (0, 0), .title: (reverse | bold, 0), .heading: (bold, 0), .label: (0, 0),
        .value: (bold, 0), .user: (bold, 0), .assistant: (0, 0), .note: (dim, 0),
        .warning: (bold, 0), .error: (bold, 0), .bar: (0, 0), .hintKey: (bold, 0),
        .hintLabel: (reverse, 0), .overlay: (reverse, 0),
      ]
      return
    }
    // Pairs: 1 title/hint labels, 2 headings, 3 user text and bars, 4 warnings, 5 errors,
    // 6 the help box. -1 is the terminal's own background (use_default_colors).
    let pairs: [(Int16, Int16, Int16)] = [
      (1, Int16(COLOR_BLACK), Int16(COLOR_CYAN)), (2, Int16(COLOR_CYAN), -1),
      (3, Int16(COLOR_GREEN), -1), (4, Int16(COLOR_YELLOW), -1), (5, Int16(COLOR_RED), -1),
      (6, Int16(COLOR_WHITE), Int16(COLOR_BLUE)),
    ]
    for (pair, foreground, background) in pairs { init_pair(pair, foreground, background) }
    looks = [
      .normal: (0, 0), .title: (bold, 1), .heading: (bold, 2), .label: (0, 0), .value: (bold, 0),
      .user: (bold, 3), .assistant: (0, 0), .note: (dim, 0), .warning: (bold, 4), .error: (bold, 5),
      .bar: (0, 3), .hintKey: (bold, 0), .hintLabel: (0, 1), .overlay: (bold, 6),
    ]
  }

  func look(_ style: Style) -> (attributes: attr_t, pair: Int16) { looks[style] ?? (0, 0) }
}

/// The curses screen as a `Canvas`.
struct CursesCanvas: Canvas {
  let width: Int
  let height: Int
  let styles: StylePalette
  private(set) var cursor: (Int, Int)?

  init(width: Int, height: Int, styles: StylePalette) {
    self.width = width
    self.height = height
    self.styles = styles
  }

  mutating func put(_ text: Substring, row: Int, column: Int, style: Style) {
    guard row >= 0, row < height, column >= 0, column < width else { return }
    let characters = text.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
    let look = styles.look(style)
    characters.withUnsafeBufferPointer { buffer in
      slicer_put(
        Int32(row), Int32(column), buffer.baseAddress, Int32(buffer.count), look.attributes,
        look.pair)
    }
  }

  mutating func placeCursor(row: Int, column: Int) { cursor = (row, min(column, width - 1)) }
}
