/// The server's answer to PREFILL and STEP: the token it sampled after the last position.
///
///     token id            varint
///     log-prob            f32      natural log of the sampled token's probability (before
///                                  temperature and filters: the model's own distribution)
///     compute µs          varint   server time spent on this request, decode to sample
///     context length      varint   positions in the session after this request
///
/// The context length lets the client check that both sides agree on where they are.
public struct TokenReply: Equatable, Sendable {
  public var token: Int
  public var logProb: Float
  public var computeMicroseconds: Int
  public var contextLength: Int

  public init(token: Int, logProb: Float, computeMicroseconds: Int, contextLength: Int) {
    self.token = token
    self.logProb = logProb
    self.computeMicroseconds = computeMicroseconds
    self.contextLength = contextLength
  }

  func write(to w: inout ByteWriter) {
    w.varint(token)
    w.f32(logProb)
    w.varint(computeMicroseconds)
    w.varint(contextLength)
  }

  init(reading r: inout ByteReader) throws(WireError) {
    token = try r.int("token id", max: WireLimits.maximumTokenID)
    logProb = try r.f32("log-prob")
    computeMicroseconds = try r.int("compute µs", max: Int.max)
    contextLength = try r.int("context length", max: WireLimits.maximumTokenID)
    try r.expectEnd()
  }
}
