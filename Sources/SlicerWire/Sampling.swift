/// How the server picks each next token; sent in HELLO and, to change it mid-session, SAMPLING.
///
///     temperature        f64   0 = greedy; finite, ≥ 0
///     top-k              varint 0 = off; ≤ 2³¹−1
///     top-p              f64   in (0, 1]; 1 = off
///     repetition penalty f64   finite, > 0; 1 = off
///     seed               u64
///
/// The floats are f64 so a remote tail samples with exactly the parameters a local one would.
public struct Sampling: Equatable, Sendable {
  public var temperature: Double
  public var topK: Int
  public var topP: Double
  public var repetitionPenalty: Double
  public var seed: UInt64

  public init(
    temperature: Double = 0, topK: Int = 0, topP: Double = 1, repetitionPenalty: Double = 1,
    seed: UInt64 = 0
  ) {
    self.temperature = temperature
    self.topK = topK
    self.topP = topP
    self.repetitionPenalty = repetitionPenalty
    self.seed = seed
  }

  public static let greedy = Sampling()

  /// Why these parameters would be rejected by the peer, or nil when they are valid.
  public var invalidReason: String? {
    if !(temperature.isFinite && temperature >= 0) {
      return "temperature must be finite and ≥ 0, got \(temperature)"
    }
    if !(0...WireLimits.maximumTokenID).contains(topK) {
      return "top-k must be in 0…\(WireLimits.maximumTokenID), got \(topK)"
    }
    if !(topP > 0 && topP <= 1) { return "top-p must be in (0, 1], got \(topP)" }
    if !(repetitionPenalty.isFinite && repetitionPenalty > 0) {
      return "repetition penalty must be finite and > 0, got \(repetitionPenalty)"
    }
    return nil
  }

  func write(to w: inout ByteWriter) {
    w.f64(temperature)
    w.varint(topK)
    w.f64(topP)
    w.f64(repetitionPenalty)
    w.u64(seed)
  }

  init(reading r: inout ByteReader) throws(WireError) {
    self.init(
      temperature: try r.f64("temperature"),
      topK: try r.int("top-k", max: WireLimits.maximumTokenID),
      topP: try r.f64("top-p"),
      repetitionPenalty: try r.f64("repetition penalty"),
      seed: try r.u64("seed"))
    if let reason = invalidReason { throw r.fail(reason) }
  }
}
