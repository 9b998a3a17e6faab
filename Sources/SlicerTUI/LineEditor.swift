import CReadline
import Foundation

/// GNU readline as the input line inside curses, through its callback interface: the TUI feeds
/// it keys (`rl_getc_function` reads them from a queue), readline edits `rl_line_buffer` and
/// calls back with finished lines, and the TUI draws the line itself (`rl_redisplay_function`
/// only marks it changed). History lives in a file; Ctrl-R searches it.
///
/// Readline is one global state per process, so there is at most one `LineEditor`.
final class LineEditor {
  /// Readline's C callbacks reach these; the UI thread alone touches them.
  private nonisolated(unsafe) static var queue: [UInt8] = []
  private nonisolated(unsafe) static var finished: [String] = []

  private let historyPath: String?
  static let historyLimit: Int32 = 1000

  init(historyPath: String?) {
    self.historyPath = historyPath
    slicer_rl_embed(
      { _ in LineEditor.queue.isEmpty ? EOF : Int32(LineEditor.queue.removeFirst()) },
      { LineEditor.queue.isEmpty ? 0 : 1 },
      {})
    using_history()
    stifle_history(Self.historyLimit)
    if let historyPath {
      if !FileManager.default.fileExists(atPath: historyPath) {
        _ = FileManager.default.createFile(atPath: historyPath, contents: nil)
      }
      read_history(historyPath)
    }
    rl_callback_handler_install("» ") { line in
      guard let line else { return }  // end of input: the TUI decides about quitting, not readline
      LineEditor.finished.append(String(cString: line))
      free(line)
    }
  }

  /// Hands readline one key; finished lines collect for `takeLines`.
  func feed(_ key: KeyEvent) {
    let bytes = ReadlineKeys.bytes(for: key)
    guard !bytes.isEmpty else { return }
    Self.queue += bytes
    // One byte per call: readline reads exactly one in callback mode.
    while !Self.queue.isEmpty { rl_callback_read_char() }
  }

  /// Lines accepted with Enter since the last call.
  func takeLines() -> [String] {
    defer { Self.finished.removeAll() }
    return Self.finished
  }

  /// Empties the line, leaving any history search (Ctrl-G first, as readline's abort).
  func clear() {
    if slicer_rl_is_searching() != 0 { feed(.control(7)) }
    slicer_rl_clear_line()
  }

  /// The line as the screen shows it.
  var state: InputState {
    let buffer =
      slicer_rl_line_buffer().map {
        Array(
          UnsafeBufferPointer(
            start: UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self),
            count: Int(slicer_rl_end())))
      } ?? []
    let point = max(0, min(Int(slicer_rl_point()), buffer.count))
    let prompt = slicer_rl_display_prompt().map { String(cString: $0) } ?? "» "
    return InputState(
      prompt: prompt.isEmpty ? "» " : prompt,
      beforeCursor: String(decoding: buffer[..<point], as: UTF8.self),
      afterCursor: String(decoding: buffer[point...], as: UTF8.self),
      searching: slicer_rl_is_searching() != 0)
  }

  /// Adds a line to the history and its file.
  func remember(_ line: String) {
    guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return }
    add_history(line)
    if let historyPath { append_history(1, historyPath) }
  }

  /// Uninstalls readline's handler and trims the history file.
  func close() {
    rl_callback_handler_remove()
    if let historyPath { history_truncate_file(historyPath, Self.historyLimit) }
  }
}
