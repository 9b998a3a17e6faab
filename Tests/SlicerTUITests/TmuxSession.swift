import Foundation
import SlicerTestSupport

/// The built `slicer` running in a detached tmux session of a fixed size, driven with
/// `send-keys` and read back with `capture-pane`: the TUI exactly as a terminal shows it.
///
/// Each session has its own tmux server (socket), so tests can run side by side; `close()`
/// kills it.
final class TmuxSession {
  let socket: String
  private let target = "chat"

  static var isAvailable: Bool {
    FileManager.default.isExecutableFile(atPath: tmuxPath)
      && FileManager.default.isExecutableFile(atPath: binary.path)
  }

  static let tmuxPath =
    ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"]
    .first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/tmux"

  /// The executable `swift build` put next to the test bundle.
  static var binary: URL { SlicerBinary.url }

  private nonisolated(unsafe) static var counter = 0
  private static let lock = NSLock()

  /// Starts `slicer ARGUMENTS` in a `width`×`height` window. When the program exits, the pane
  /// shows `EXIT:<status>` and stays open, so a test can read the restored terminal.
  init(
    _ arguments: [String], width: Int = 100, height: Int = 30, environment: [String: String] = [:]
  ) throws {
    Self.lock.lock()
    Self.counter += 1
    socket = "slicer-tui-test-\(getpid())-\(Self.counter)"
    Self.lock.unlock()
    var exports = ["SLICER_HISTORY=/dev/null", "LANG=C.UTF-8", "LC_ALL=C.UTF-8"]
    exports += environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quote($0.value))" }
    let command =
      "cd \(Self.quote(Fixtures.repository.path)) && env \(exports.joined(separator: " ")) "
      + ([Self.binary.path] + arguments).map(Self.quote).joined(separator: " ")
      + "; echo EXIT:$?; sleep 600"
    // The server this starts would inherit a pipe on stdout and hold it open forever.
    try tmux(
      [
        "-f", "/dev/null", "new-session", "-d", "-s", target, "-x", "\(width)", "-y", "\(height)",
        command,
      ], output: false)
  }

  deinit { close() }

  /// Types text literally.
  func type(_ text: String) throws {
    try tmux(["send-keys", "-t", target, "-l", text], output: false)
  }

  /// Presses keys by tmux's names: `Enter`, `F3`, `C-c`, `PageUp`.
  func press(_ keys: String...) throws {
    try tmux(["send-keys", "-t", target] + keys, output: false)
  }

  /// The screen as text (`escapes`: with colors and attributes as SGR sequences).
  func capture(escapes: Bool = false) -> String {
    (try? tmux(["capture-pane", "-p", "-t", target] + (escapes ? ["-e"] : []))) ?? ""
  }

  func resize(width: Int, height: Int) throws {
    try tmux(["resize-window", "-t", target, "-x", "\(width)", "-y", "\(height)"], output: false)
  }

  /// Polls the screen until `condition` holds, for at most `timeout` seconds; the last screen.
  /// `settled`: on a screen that two captures 100 ms apart agree on (a capture can catch curses
  /// half-way through a frame); not while text streams.
  @discardableResult
  func wait(timeout: Double = 30, settled: Bool = true, for condition: (String) -> Bool) -> (
    met: Bool, screen: String
  ) {
    let deadline = Date().addingTimeInterval(timeout)
    var screen = capture()
    while true {
      if condition(screen) {
        if !settled { return (true, screen) }
        Thread.sleep(forTimeInterval: 0.1)
        let again = capture()
        if again == screen { return (true, screen) }
        screen = again
        continue
      }
      if Date() > deadline { return (false, screen) }
      Thread.sleep(forTimeInterval: 0.05)
      screen = capture()
    }
  }

  func close() {
    _ = try? tmux(["kill-server"], output: false)
  }

  /// Runs tmux and returns its output (posix_spawn and waitpid, to control the child's signal
  /// mask; Foundation's Process never noticed the exit of the client that starts a server).
  @discardableResult
  private func tmux(_ arguments: [String], output: Bool = true) throws -> String {
    let outputPath = FileManager.default.temporaryDirectory
      .appendingPathComponent("\(socket)-\(UUID().uuidString).out").path
    defer { try? FileManager.default.removeItem(atPath: outputPath) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    // A server started here inherits stdout: a file, never a pipe it would hold open.
    posix_spawn_file_actions_addopen(
      &actions, 1, output ? outputPath : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    // The test runner's threads block signals, and a child inherits that mask: tmux (and the
    // chat under it) would never see SIGCHLD, SIGHUP or SIGTERM. Start it with none blocked and
    // default actions.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigmask(&attributes, &none)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGPIPE, SIGQUIT] {
      sigaddset(&defaults, signal)
    }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    let argv = ([Self.tmuxPath, "-L", socket] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, Self.tmuxPath, &actions, &attributes, argv, environ)
    guard spawned == 0 else { throw TmuxError.spawnFailed(spawned) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    guard output else { return "" }
    return (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
  }

  enum TmuxError: Error { case spawnFailed(Int32) }

  private static func quote(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}

/// Reading numbers and rows off a captured screen.
extension String {
  var rows: [String] { split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }

  /// The first integer after `label` on a row that contains it (`step   448 bits` → 448).
  func number(after label: String) -> Int? {
    for row in rows {
      guard let range = row.range(of: label) else { continue }
      let digits = row[range.upperBound...].drop { $0 == " " }.prefix { $0.isNumber }
      if let value = Int(digits) { return value }
    }
    return nil
  }
}
