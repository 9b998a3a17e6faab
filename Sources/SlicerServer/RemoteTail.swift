import SlicerCodec
import SlicerModel
import SlicerTensor
import SlicerWire

/// Settings of a remote tail beyond the model and split.
public struct RemoteTailOptions: Sendable {
  /// The server's secret (`slicer serve --token`), when it demands one.
  public var authToken: String?
  public var connectTimeout: Double
  /// How long one reply may take (a long prompt on a slow server takes a while).
  public var replyTimeout: Double
  /// Reconnection after the server went away.
  public var retry: RetryPolicy
  /// Our frame limit, sent in HELLO; SCORE replies are sized to it.
  public var maximumReplyBytes: Int
  /// Counts the bytes on the wire.
  public var meter: WireMeter
  /// Told about lost connections and reconnects, as sentences (the CLI prints them).
  public var onEvent: (@Sendable (String) -> Void)?

  public init(
    authToken: String? = nil, connectTimeout: Double = 10, replyTimeout: Double = 600,
    retry: RetryPolicy = RetryPolicy(), maximumReplyBytes: Int = 4 << 20,
    meter: WireMeter = WireMeter(), onEvent: (@Sendable (String) -> Void)? = nil
  ) {
    self.authToken = authToken
    self.connectTimeout = connectTimeout
    self.replyTimeout = replyTimeout
    self.retry = retry
    self.maximumReplyBytes = max(maximumReplyBytes, WireLimits.minimumFrameBytes)
    self.meter = meter
    self.onEvent = onEvent
  }
}

/// The tail behind a `slicer serve` connection: a `TailTransport` like the in-process
/// `LocalTail`, so the generation loop cannot tell them apart. Every call blocks until the
/// server answers; when the server goes away the call reconnects, replays the conversation and
/// carries on (`RemoteSession`).
///
/// `none`-codec payloads (raw floats) travel as little-endian fp32, which is what the codec
/// `none` decodes on the server.
public struct RemoteTail: TailTransport {
  private let session: RemoteSession

  /// Connects to `endpoint` and opens a session for `model` split at `split`. Errors are one
  /// line each: unreachable server, wrong token, other weights, bad split, unknown codec.
  public init(
    endpoint: ServerEndpoint, model: any DecoderModel, fingerprint: ModelFingerprint, split: Int,
    codec: CodecSpec, sampling: SamplingParameters, options: RemoteTailOptions = RemoteTailOptions()
  ) throws(RemoteTailError) {
    let wireSampling = Sampling(sampling)
    if let reason = wireSampling.invalidReason { throw .unsendable("invalid sampling: \(reason)") }
    let hello = Hello(
      fingerprint: fingerprint, modelName: String(model.info.name.prefix(256)), split: split,
      hiddenSize: model.info.hiddenSize, codec: codec.description, sampling: wireSampling,
      maximumReplyBytes: options.maximumReplyBytes, authToken: options.authToken)
    session = try RemoteSession(endpoint: endpoint, hello: hello, options: options)
  }

  public var endpoint: String { session.endpoint.description }
  /// What the server announced: its software, model and limits.
  public var server: HelloOK { session.server }
  public var meter: WireMeter { session.options.meter }

  public mutating func prefill(_ payloads: [LinkPayload], tokens: [Int]) throws -> TailReply {
    guard payloads.count == tokens.count, !payloads.isEmpty else {
      throw RemoteTailError.unsendable(
        "a prefill needs one token id per position, and at least one")
    }
    return try reply(
      session.append(tokens: tokens, payloads: payloads.map(Self.bytes), sample: true, step: false))
  }

  public mutating func step(_ payload: LinkPayload) throws -> TailReply {
    guard let token = session.lastSampled else {
      throw RemoteTailError.unsendable("a step needs a token sampled before; prefill first")
    }
    return try reply(
      session.append(tokens: [token], payloads: [Self.bytes(payload)], sample: true, step: true))
  }

  /// Distributions come as the server's fp16 log-softmax rows widened to Float: each value is
  /// within half a binary16 step of the server's (2⁻¹¹ relative), see PROTOCOL.md §9.
  public mutating func score(_ payloads: [LinkPayload], targets: [Int], distributions: Bool)
    throws -> TailScore
  {
    // Position i predicts targets[i + 1]; the last position predicts nothing and is not sent.
    let count = min(payloads.count, targets.count) - 1
    guard count > 0 else { return TailScore(logProbabilities: [], argmax: []) }
    let scored = try session.score(
      payloads: payloads[..<count].map(Self.bytes), targets: Array(targets[1...count]),
      distributions: distributions)
    return TailScore(
      logProbabilities: scored.positions.map { Double($0.targetLogProb) },
      argmax: scored.positions.map(\.argmax),
      distributions: distributions
        ? Matrix(
          rows: count, columns: session.server.vocabularySize,
          values: scored.logProbHalfBits.map(Half.float)) : nil)
  }

  public mutating func setCodec(_ spec: CodecSpec) throws { try session.setCodec(spec.description) }

  public mutating func setSampling(_ parameters: SamplingParameters) throws {
    try session.setSampling(Sampling(parameters))
  }

  public mutating func reset() throws { try session.reset() }

  /// Says goodbye and closes the connection (it also closes when the last copy goes away).
  public func close() { session.close() }

  private func reply(_ token: TokenReply?) throws -> TailReply {
    guard let token else {
      throw RemoteTailError.protocolViolation(endpoint: endpoint, "no token for a sampling request")
    }
    return TailReply(
      token: token.token, logProbability: Double(token.logProb),
      tailSeconds: Double(token.computeMicroseconds) * 1e-6)
  }

  /// Bytes a payload takes on the wire (before framing).
  public static func wireBytes(_ payload: LinkPayload) -> Int { payload.byteCount }

  /// The bytes a payload travels as: the codec's, or raw floats as little-endian fp32.
  static func bytes(_ payload: LinkPayload) -> [UInt8] {
    switch payload {
    case .encoded(let bytes):
      return bytes
    case .floats(let values):
      var out: [UInt8] = []
      out.reserveCapacity(4 * values.count)
      for value in values {
        let bits = value.bitPattern
        for shift in stride(from: 0, to: 32, by: 8) {
          out.append(UInt8(truncatingIfNeeded: bits >> shift))
        }
      }
      return out
    }
  }
}

extension RemoteTail {
  /// A `TailFactory` (for `ChatSession`, replay, eval) that opens a session on `endpoint` for
  /// each split and codec the conversation asks for. `fingerprint` is the client model's
  /// (`ModelFingerprint(model:)`), computed once by the caller.
  public static func factory(
    endpoint: ServerEndpoint, fingerprint: ModelFingerprint,
    options: RemoteTailOptions = RemoteTailOptions()
  ) -> TailFactory {
    { model, settings in
      try RemoteTail(
        endpoint: endpoint, model: model, fingerprint: fingerprint, split: settings.split,
        codec: settings.codec, sampling: settings.sampling, options: options)
    }
  }
}
