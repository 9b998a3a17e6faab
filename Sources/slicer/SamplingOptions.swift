import ArgumentParser
import SlicerModel

/// Sampling flags; greedy unless `--temperature` is given.
struct SamplingOptions: ParsableArguments {
  @Option(help: "Sampling temperature (default: greedy).")
  var temperature: Double?

  @Option(name: .customLong("top-k"), help: "Sample among the K most likely tokens.")
  var topK: Int?

  @Option(name: .customLong("top-p"), help: "Sample from the smallest set with probability ≥ P.")
  var topP: Double?

  @Option(name: .customLong("repetition-penalty"), help: "Penalty > 1 for tokens already seen.")
  var repetitionPenalty: Double?

  @Option(help: "Random seed, for reproducible sampling.")
  var seed: UInt64 = 0

  func validate() throws {
    if let t = temperature, !(t >= 0 && t.isFinite) {
      throw ValidationError("--temperature must be ≥ 0, got \(t)")
    }
    if let k = topK, k < 0 { throw ValidationError("--top-k must be ≥ 0, got \(k)") }
    if let p = topP, !(p > 0 && p <= 1) { throw ValidationError("--top-p must be in (0, 1], got \(p)") }
    if let r = repetitionPenalty, !(r > 0 && r.isFinite) {
      throw ValidationError("--repetition-penalty must be > 0, got \(r)")
    }
  }

  var parameters: SamplingParameters {
    SamplingParameters(
      temperature: temperature, topK: topK, topP: topP, repetitionPenalty: repetitionPenalty,
      seed: seed)
  }
}
