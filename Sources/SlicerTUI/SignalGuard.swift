import CNcurses
import Foundation
import Synchronization

/// The process's signal handling for the chat:
/// - fatal signals (a crash, a Swift trap, SIGTERM, SIGHUP) first leave curses mode, then run
///   the action that was there before (the Swift runtime's backtracer, or the default: die), so
///   the shell always gets its terminal back;
/// - SIGINT becomes a count the main loop polls (`kill -INT`, and Ctrl-C in the line-mode
///   REPL; in curses raw mode Ctrl-C is a key).
///
/// The handlers only touch storage set up before they are installed: atomics and a buffer.
enum SignalGuard {
  private static let fatalSignals: [Int32] = [
    SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGTERM, SIGHUP, SIGQUIT,
  ]
  private nonisolated(unsafe) static let previousActions = UnsafeMutablePointer<sigaction>.allocate(
    capacity: fatalSignals.count)
  private static let cursesActive = Atomic<Bool>(false)
  private static let interrupts = Atomic<Int>(0)

  static func restoreTerminalOnFatalSignals() {
    let signals = fatalSignals
    let previous = previousActions
    cursesActive.store(true, ordering: .sequentiallyConsistent)
    for (index, signal) in signals.enumerated() {
      var action = sigaction()
      action.__sigaction_handler.sa_handler = { signal in SignalGuard.fatal(signal) }
      sigemptyset(&action.sa_mask)
      sigaction(signal, &action, previous + index)
    }
  }

  static func stopRestoringTerminal() {
    cursesActive.store(false, ordering: .sequentiallyConsistent)
    for (index, signal) in fatalSignals.enumerated() {
      sigaction(signal, previousActions + index, nil)
    }
  }

  private static func fatal(_ signal: Int32) {
    if cursesActive.exchange(false, ordering: .sequentiallyConsistent) { endwin() }
    if let index = fatalSignals.firstIndex(of: signal) {
      sigaction(signal, previousActions + index, nil)
    }
    // A fault re-faults on return and reaches the previous action; others are re-sent
    // (delivered once this handler returns: the signal is blocked while it runs).
    raise(signal)
  }

  /// SIGINT increments a counter instead of killing the program. No SA_RESTART: a blocking
  /// poll() or read() returns, so the REPL can act on it.
  static func countInterrupts() {
    interrupts.store(0, ordering: .sequentiallyConsistent)
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in
      SignalGuard.interrupts.add(1, ordering: .sequentiallyConsistent)
    }
    sigemptyset(&action.sa_mask)
    sigaction(SIGINT, &action, nil)
  }

  static func defaultInterrupts() { signal(SIGINT, SIG_DFL) }

  /// SIGINTs since the last call.
  static func takeInterrupts() -> Int { interrupts.exchange(0, ordering: .sequentiallyConsistent) }
}
