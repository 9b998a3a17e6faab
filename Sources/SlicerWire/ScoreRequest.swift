/// Positions to score against known next tokens (perplexity, agreement and KL through a remote
/// tail). Like PREFILL the positions join the session's context, so a long window is scored in
/// several SCOREs; the server answers SCORES and samples nothing.
///
///     flags               u8       bit 0: return the full log-softmax (fp16) of every position
///     n                   varint   ≥ 1
///     n × position:
///       target id         varint   the token that follows this position
///       payload length    varint
///       payload           bytes    the codec's frame for this position's hidden state
public struct ScoreRequest: Equatable, Sendable {
  public let payloads: [[UInt8]]
  /// The token expected after each position.
  public let targets: [Int]
  /// Whether SCORES should carry every position's whole distribution (for KL). It is large —
  /// vocabulary × 2 bytes per position — so it is meant for evaluation over loopback.
  public let wantsDistribution: Bool

  static let distributionFlag: UInt8 = 0x01

  /// `payloads` must not be empty and `targets` must have one id per payload.
  public init(payloads: [[UInt8]], targets: [Int], wantsDistribution: Bool = false) {
    precondition(!payloads.isEmpty, "a SCORE carries at least one position")
    precondition(targets.count == payloads.count, "one target id per position")
    self.payloads = payloads
    self.targets = targets
    self.wantsDistribution = wantsDistribution
  }

  func write(to w: inout ByteWriter) {
    w.byte(wantsDistribution ? Self.distributionFlag : 0)
    w.varint(payloads.count)
    for (target, payload) in zip(targets, payloads) {
      w.varint(target)
      w.blob(payload)
    }
  }

  init(reading r: inout ByteReader) throws(WireError) {
    let flags = try r.flags("flags", known: Self.distributionFlag)
    let n = try r.count("position count", minimumItemBytes: 2)
    guard n >= 1 else { throw r.fail("position count is 0") }
    var payloads: [[UInt8]] = []
    var targets: [Int] = []
    payloads.reserveCapacity(n)
    targets.reserveCapacity(n)
    for i in 0..<n {
      targets.append(try r.int("target id of position \(i)", max: WireLimits.maximumTokenID))
      payloads.append(try r.blob("payload of position \(i)"))
    }
    try r.expectEnd()
    self.init(payloads: payloads, targets: targets, wantsDistribution: flags != 0)
  }
}
