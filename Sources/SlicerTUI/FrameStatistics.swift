import Foundation

/// How the screen kept up: frames drawn against steps received, for the redraw measurements
/// (written at exit with `--frame-stats FILE`).
struct FrameStatistics: Codable {
  var frames = 0
  var steps = 0
  /// The most steps folded into one frame (a burst coalesced).
  var mostStepsInOneFrame = 0
  var drawSeconds = 0.0
  var longestDrawSeconds = 0.0
  /// Wall time from the first to the last step of all turns (decode rate as the UI saw it).
  var turns: [TurnRate] = []
  /// CPU time of the UI thread (keys, events, frames) and of the whole process, over the run:
  /// the UI's cost independent of how loaded the machine is.
  var uiCPUSeconds = 0.0
  var processCPUSeconds = 0.0

  struct TurnRate: Codable {
    var tokens: Int
    var tokensPerSecond: Double?
    var firstTokenSeconds: Double?
  }

  mutating func frame(steps: Int, seconds: Double) {
    frames += 1
    self.steps += steps
    mostStepsInOneFrame = max(mostStepsInOneFrame, steps)
    drawSeconds += seconds
    longestDrawSeconds = max(longestDrawSeconds, seconds)
  }

  /// Records the CPU times; call on the UI thread at the end.
  mutating func finish() {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    uiCPUSeconds = Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
    var usage = rusage()
    #if os(Linux)
      getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
      getrusage(RUSAGE_SELF, &usage)
    #endif
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
    processCPUSeconds = seconds(usage.ru_utime) + seconds(usage.ru_stime)
  }

  func write(to path: String) {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    if let data = try? encoder.encode(self) {
      try? data.write(to: URL(fileURLWithPath: path))
    }
  }
}
