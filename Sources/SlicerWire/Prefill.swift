/// Several positions' hidden states at once: a prompt, a user turn, or a replay after reconnect.
/// The server appends them to the session's context and answers TOKEN (the next token after the
/// last position) or, with `sample` off, ACK.
///
///     flags               u8       bit 0: token ids present; bit 1: no sample (reply ACK)
///     n                   varint   ≥ 1
///     n × position:
///       [token id]        varint   when bit 0: the token at this position
///       payload length    varint
///       payload           bytes    the codec's frame for this position's hidden state
///
/// Token ids are optional: the tail needs only the hidden states, but repetition penalty needs
/// the prompt's ids to match what a local tail would do.
public struct Prefill: Equatable, Sendable {
  public let payloads: [[UInt8]]
  /// The token at each position, or nil when the client does not send them.
  public let tokens: [Int]?
  /// Whether the server samples a token after the last position (TOKEN) or only acknowledges (ACK).
  public let sample: Bool

  static let tokensFlag: UInt8 = 0x01
  static let noSampleFlag: UInt8 = 0x02

  /// `payloads` must not be empty, and `tokens`, when given, must have one id per payload.
  public init(payloads: [[UInt8]], tokens: [Int]? = nil, sample: Bool = true) {
    precondition(!payloads.isEmpty, "a PREFILL carries at least one position")
    precondition(tokens == nil || tokens?.count == payloads.count, "one token id per position")
    self.payloads = payloads
    self.tokens = tokens
    self.sample = sample
  }

  func write(to w: inout ByteWriter) {
    w.byte((tokens == nil ? 0 : Self.tokensFlag) | (sample ? 0 : Self.noSampleFlag))
    w.varint(payloads.count)
    for (i, payload) in payloads.enumerated() {
      if let tokens { w.varint(tokens[i]) }
      w.blob(payload)
    }
  }

  init(reading r: inout ByteReader) throws(WireError) {
    let flags = try r.flags("flags", known: Self.tokensFlag | Self.noSampleFlag)
    let hasTokens = flags & Self.tokensFlag != 0
    let n = try r.count("position count", minimumItemBytes: hasTokens ? 2 : 1)
    guard n >= 1 else { throw r.fail("position count is 0") }
    var payloads: [[UInt8]] = []
    var tokens: [Int] = []
    payloads.reserveCapacity(n)
    if hasTokens { tokens.reserveCapacity(n) }
    for i in 0..<n {
      if hasTokens {
        tokens.append(try r.int("token id of position \(i)", max: WireLimits.maximumTokenID))
      }
      payloads.append(try r.blob("payload of position \(i)"))
    }
    try r.expectEnd()
    self.init(
      payloads: payloads, tokens: hasTokens ? tokens : nil, sample: flags & Self.noSampleFlag == 0)
  }
}
