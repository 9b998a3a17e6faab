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

  func write(to path: String) {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    if let data = try? encoder.encode(self) {
      try? data.write(to: URL(fileURLWithPath: path))
    }
  }
}
