/// What the tail computed at one scored position.
public struct ScoredPosition: Equatable, Sendable {
  /// log p(target | context), natural log, from the unmodified distribution (no sampling).
  public var targetLogProb: Float
  /// The most likely next token (ties: the lowest id).
  public var argmax: Int

  public init(targetLogProb: Float, argmax: Int) {
    self.targetLogProb = targetLogProb
    self.argmax = argmax
  }
}

/// Full next-token log-probabilities (log-softmax) of several positions, as IEEE 754 binary16 bit
/// patterns, row-major: `halfBits[position * vocabularySize + token]`.
public struct LogProbTable: Equatable, Sendable {
  public let vocabularySize: Int
  public let halfBits: [UInt16]

  /// `halfBits.count` must be a positive multiple of `vocabularySize`.
  public init(vocabularySize: Int, halfBits: [UInt16]) {
    precondition(vocabularySize > 0 && !halfBits.isEmpty && halfBits.count % vocabularySize == 0)
    self.vocabularySize = vocabularySize
    self.halfBits = halfBits
  }

  /// Converts `logProbs` (one row of `vocabularySize` per position) to binary16.
  public init(vocabularySize: Int, logProbs: [Float]) {
    self.init(vocabularySize: vocabularySize, halfBits: logProbs.map(Half.bits))
  }

  public var positionCount: Int { halfBits.count / vocabularySize }

  /// The log-probabilities of one position, widened to Float.
  public func row(_ position: Int) -> [Float] {
    halfBits[(position * vocabularySize)..<((position + 1) * vocabularySize)].map(Half.float)
  }
}

/// The server's answer to SCORE: one entry per position, plus the full distributions if asked.
///
///     flags               u8       bit 0: distributions present
///     n                   varint   ≥ 1
///     n × position:
///       target log-prob   f32
///       argmax id         varint
///     [vocabulary size]   varint   ≥ 1, when bit 0
///     [log-probs]         n × vocabulary size × u16 (binary16), when bit 0
public struct Scores: Equatable, Sendable {
  public let positions: [ScoredPosition]
  public let distributions: LogProbTable?

  /// `distributions`, when given, must have a row per position.
  public init(positions: [ScoredPosition], distributions: LogProbTable? = nil) {
    precondition(!positions.isEmpty, "SCORES carries at least one position")
    precondition(distributions == nil || distributions?.positionCount == positions.count)
    self.positions = positions
    self.distributions = distributions
  }

  func write(to w: inout ByteWriter) {
    w.byte(distributions == nil ? 0 : 1)
    w.varint(positions.count)
    for p in positions {
      w.f32(p.targetLogProb)
      w.varint(p.argmax)
    }
    if let distributions {
      w.varint(distributions.vocabularySize)
      w.bytes.reserveCapacity(w.bytes.count + 2 * distributions.halfBits.count)
      for h in distributions.halfBits { w.u16(h) }
    }
  }

  init(reading r: inout ByteReader) throws(WireError) {
    let flags = try r.flags("flags", known: 0x01)
    let n = try r.count("position count", minimumItemBytes: 5)
    guard n >= 1 else { throw r.fail("position count is 0") }
    var positions: [ScoredPosition] = []
    positions.reserveCapacity(n)
    for i in 0..<n {
      positions.append(
        ScoredPosition(
          targetLogProb: try r.f32("log-prob of position \(i)"),
          argmax: try r.int("argmax of position \(i)", max: WireLimits.maximumTokenID)))
    }
    var distributions: LogProbTable?
    if flags != 0 {
      let vocabulary = try r.int("vocabulary size", max: WireLimits.maximumTokenID)
      let (values, overflow) = n.multipliedReportingOverflow(by: vocabulary)
      guard vocabulary >= 1, !overflow, values <= r.remaining / 2 else {
        throw r.fail(
          "\(n) positions × vocabulary size \(vocabulary) do not fit the \(r.remaining) bytes left")
      }
      var bits: [UInt16] = []
      bits.reserveCapacity(values)
      for _ in 0..<values { bits.append(try r.u16("log-probs")) }
      distributions = LogProbTable(vocabularySize: vocabulary, halfBits: bits)
    }
    try r.expectEnd()
    self.init(positions: positions, distributions: distributions)
  }
}
