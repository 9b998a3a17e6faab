import SlicerCodec
import SlicerReplay

@testable import SlicerModel

/// A hand-made replay of a toy model (d = 8), for exact-format tests without running a model.
enum SyntheticReplay {
  static let model = ModelInfo(
    architecture: "opt", name: "toy", layerCount: 4, hiddenSize: 8, vocabularySize: 100,
    contextLength: 64)

  /// A SLICER message: 5 kept entries in two positive groups and one negative one.
  static let sparse = StepStats(
    totalBits: 64, headerBits: 20, positionBits: 16, scaleBits: 12, valueBits: 12, paddingBits: 4,
    kPositive: 3, kNegative: 2,
    groups: [
      GroupStats(sign: .positive, count: 2, lo: 0.5, hi: 1, bits: 2),
      GroupStats(sign: .positive, count: 1, lo: 1, hi: 4, bits: 4),
      GroupStats(sign: .negative, count: 2, lo: 0.25, hi: 0.75, bits: 1),
    ], distortion: 0.002, encodeNanoseconds: 1000, mode: "sparse")

  static func step(_ token: Int, positions: Int) -> StepRecord {
    StepRecord(
      token: token, logProbability: -1.5, link: Array(repeating: sparse, count: positions),
      payloadBytes: 8 * positions, headSeconds: 0.001, encodeSeconds: 0.002, tailSeconds: 0.003,
      roundTripSeconds: 0.004)
  }

  static var result: ReplayResult {
    let start = ChatSettings(split: 2, codec: .none, maxTokens: 32)
    var settings = start
    settings.codec = .slicer(budget: 0.001)
    settings.maxTokens = 2
    let turn = ReplayTurn(
      line: 4, number: 1, conversation: 1, user: "Hi\tthere ", reply: "Hello\nworld",
      tokens: [7, 9],
      pieces: ["Hello\n", "world"], stop: .maxTokens, settings: settings,
      steps: [step(7, positions: 3), step(9, positions: 1)], dimension: 8, endpoint: "in-process",
      seconds: 0.25)
    return ReplayResult(
      file: "toy.prompt", model: model, start: start,
      events: [
        .directive(line: 1, .budget(0.001), settings: settings),
        .directive(line: 2, .maxTokens(2), settings: settings),
        .turn(turn),
      ], seconds: 0.5)
  }
}
