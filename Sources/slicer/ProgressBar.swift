import Foundation

/// A one-line progress bar on stderr, redrawn in place; silent when stderr is not a terminal
/// (then a single line at the end, so logs stay readable).
struct ProgressBar {
  let label: String
  let total: Int
  let start = ContinuousClock.now
  let isTerminal = isatty(STDERR_FILENO) != 0

  func update(_ done: Int, detail: String = "") {
    guard isTerminal || done == total else { return }
    let width = 30
    let fraction = total > 0 ? Double(done) / Double(total) : 1
    let filled = Int(fraction * Double(width))
    let elapsed = (ContinuousClock.now - start).seconds
    let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
    let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
    let line = String(
      format: "%@ %@ %d/%d  %.0fs elapsed, ~%.0fs left %@", label, bar, done, total, elapsed, eta,
      detail)
    Output.error((isTerminal ? "\r\u{1B}[K" : "") + line + (done == total ? "\n" : ""))
  }
}
