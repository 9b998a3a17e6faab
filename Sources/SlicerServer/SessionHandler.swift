import NIOCore
import SlicerCodec
import SlicerModel
import SlicerTensor
import SlicerWire

/// Asks every session to end: each finishes the request it is running, sends `shuttingDown`
/// and closes.
struct ServerShutdownEvent: Sendable {}

/// One connection = one session. Bytes go through the protocol's `FrameDecoder` and
/// `ProtocolState`; HELLO opens a `SessionTail`; PREFILL, STEP and SCORE go to the tail thread
/// (`ComputeScheduler`); the small requests are answered here.
///
/// Requests are handled one at a time, in order: while one is with the tail thread, later bytes
/// wait in the decoder (and, past one frame's worth, the socket is not read), so replies leave
/// in request order and a client cannot queue unbounded work.
///
/// Nothing read is trusted. A frame that does not decode, breaks the order rules or fails the
/// HELLO checks is answered with an ERROR and the connection is closed — only this one; the
/// errors the protocol lets a session survive (`contextFull`, `badPayload`, `badToken`,
/// `replyTooLarge`, `badCodec` for CODEC) change nothing and the session goes on.
final class SessionHandler: ChannelDuplexHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  private enum Phase {
    /// Reading and answering requests.
    case open
    /// A closing ERROR (or BYE) was sent: input is discarded until the connection closes.
    case closing
    case closed
  }

  private let environment: SessionEnvironment
  private var decoder: FrameDecoder
  private var state: ProtocolState
  private var phase = Phase.open
  private var session: SessionTail?
  private var codec: any FeatureCodec = CodecSpec.none.makeCodec()
  private var codecSpec = CodecSpec.none
  /// The client's frame limit (HELLO's max reply bytes).
  private var maximumReplyBytes = WireLimits.minimumFrameBytes
  /// A request is with the tail thread.
  private var busy = false
  private var holdsSessionSlot = false
  private var shutdownRequested = false
  /// A `read` was held back while busy with a full buffer.
  private var readPending = false

  init(environment: SessionEnvironment) {
    self.environment = environment
    decoder = FrameDecoder(maximumFrameBytes: environment.limits.maximumFrameBytes)
    state = ProtocolState(maximumContext: environment.limits.maximumContext)
  }

  // MARK: Channel events

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard case .open = phase else { return }  // closing: the rest of the input is ignored
    var buffer = unwrapInboundIn(data)
    if let bytes = buffer.readBytes(length: buffer.readableBytes) { decoder.append(bytes) }
    processFrames(context: context)
  }

  func channelInactive(context: ChannelHandlerContext) {
    phase = .closed
    state.close()
    if holdsSessionSlot {
      holdsSessionSlot = false
      environment.releaseSession()
    }
    context.fireChannelInactive()
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if event is ServerShutdownEvent {
      shutdownRequested = true
      if !busy, case .open = phase {
        sendError(context: context, WireError(.shuttingDown, "the server is shutting down"))
      }
    } else if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
      guard !busy, case .open = phase else { return }
      sendError(
        context: context,
        WireError(
          .idleTimeout,
          "no request for \(environment.limits.idleTimeoutSeconds) s; the session is closed"))
    } else {
      context.fireUserInboundEventTriggered(event)
    }
  }

  func errorCaught(context: ChannelHandlerContext, error: Error) {
    context.close(promise: nil)  // a socket error: nothing more can be said to this peer
  }

  /// Holds reads back while a request runs and a frame's worth of bytes is already buffered.
  func read(context: ChannelHandlerContext) {
    if busy && decoder.bufferedByteCount > environment.limits.maximumFrameBytes {
      readPending = true
    } else {
      context.read()
    }
  }

  // MARK: Requests

  private func processFrames(context: ChannelHandlerContext) {
    while !busy && !shutdownRequested, case .open = phase {
      let frame: FrameDecoder.Frame?
      do throws(WireError) {
        frame = try decoder.nextFrame()
      } catch {
        sendError(context: context, error)
        return
      }
      guard let frame else { break }
      let (positions, payloadBytes) = Self.payloadSize(frame.message)
      environment.metrics.received(
        frameBytes: frame.byteCount, positions: positions, payloadBytes: payloadBytes)
      handle(context: context, frame.message)
    }
    if shutdownRequested, !busy, case .open = phase {
      sendError(context: context, WireError(.shuttingDown, "the server is shutting down"))
    }
    if !busy && readPending {
      readPending = false
      context.read()
    }
  }

  private func handle(context: ChannelHandlerContext, _ message: WireMessage) {
    do throws(WireError) {
      try state.check(message)
      switch message {
      case .hello(let hello):
        try open(hello)
        state.apply(message)
        send(context: context, .helloOK(environment.helloOK))
      case .prefill(let prefill):
        try checkTokens(prefill.tokens ?? [], what: "token")
        let rows = try decode(prefill.payloads)
        submit(
          context: context, message,
          .prefill(rows, tokens: prefill.tokens, sample: prefill.sample))
      case .step(let step):
        submit(context: context, message, .step(try decode([step.payload])))
      case .score(let request):
        try checkTokens(request.targets, what: "target")
        try checkReplySize(request)
        let rows = try decode(request.payloads)
        submit(
          context: context, message,
          .score(rows, targets: request.targets, distributions: request.wantsDistribution))
      case .sampling(let sampling):
        session?.setSampling(SamplingParameters(sampling))
        state.apply(message)
        send(context: context, .ack(Ack(contextLength: state.contextLength)))
      case .codec(let name):
        setCodec(try SessionEnvironment.codec(named: name))
        state.apply(message)
        send(context: context, .ack(Ack(contextLength: state.contextLength)))
      case .reset:
        session?.reset()
        state.apply(message)
        send(context: context, .ack(Ack(contextLength: 0)))
      case .bye:
        state.apply(message)
        phase = .closing
        context.close(promise: nil)
      case .helloOK, .token, .scores, .ack, .error:
        break  // `check` rejects server messages
      }
    } catch {
      // An ERROR answering HELLO always closes, whatever its code.
      let fatal = error.code.closesConnection || message.type == .hello
      sendError(context: context, error, closing: fatal)
    }
  }

  private func open(_ hello: Hello) throws(WireError) {
    let spec = try environment.check(hello)
    guard environment.acquireSession() else {
      throw WireError(
        .tooManySessions,
        "the server already holds its limit of \(environment.configuration.maximumSessions) "
          + "sessions; try again later")
    }
    holdsSessionSlot = true
    setCodec(spec)
    maximumReplyBytes = hello.maximumReplyBytes
    session = SessionTail(
      model: environment.model, split: hello.split, sampling: SamplingParameters(hello.sampling))
  }

  private func setCodec(_ spec: CodecSpec) {
    codecSpec = spec
    codec = spec.makeCodec()
  }

  private func checkTokens(_ tokens: [Int], what: String) throws(WireError) {
    let vocabulary = environment.model.info.vocabularySize
    if let i = tokens.firstIndex(where: { $0 >= vocabulary }) {
      throw WireError(
        .badToken,
        "\(what) \(tokens[i]) of position \(i) is not below the vocabulary size \(vocabulary)")
    }
  }

  /// SCORES: flags, n, n × (f32 + varint ≤ 5), and for distributions the vocabulary and n × V
  /// halves — bounded from above before anything is computed.
  private func checkReplySize(_ request: ScoreRequest) throws(WireError) {
    let n = request.payloads.count
    let vocabulary = environment.model.info.vocabularySize
    let bound = 16 + 9 * n + (request.wantsDistribution ? 5 + 2 * n * vocabulary : 0)
    guard bound <= maximumReplyBytes else {
      throw WireError(
        .replyTooLarge,
        "the reply would take up to \(bound) bytes, above the client's limit of "
          + "\(maximumReplyBytes); ask for fewer positions at a time")
    }
  }

  /// Every payload decoded before anything is appended, so a bad one changes nothing.
  private func decode(_ payloads: [[UInt8]]) throws(WireError) -> Matrix {
    let d = environment.model.info.hiddenSize
    var values: [Float] = []
    values.reserveCapacity(payloads.count * d)
    for (i, payload) in payloads.enumerated() {
      do {
        let row = try codec.decode(payload, dimension: d)
        guard row.count == d else {
          throw WireError(
            .badPayload, "position \(i)'s payload decodes to \(row.count) values, not \(d)")
        }
        values += row
      } catch let error as WireError {
        throw error
      } catch {
        throw WireError(
          .badPayload, "position \(i)'s payload does not decode as \(codecSpec): \(error)")
      }
    }
    return Matrix(rows: payloads.count, columns: d, values: values)
  }

  private func submit(context: ChannelHandlerContext, _ message: WireMessage, _ work: TailJob.Work)
  {
    guard let session else { return }  // `check` guarantees HELLO came first
    busy = true
    let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
    let job = TailJob(session: session, work: work) { outcome in
      bound.eventLoop.execute {
        let (handler, context) = bound.value
        handler.finish(context: context, message, outcome)
      }
    }
    if !environment.scheduler.submit(job) {
      busy = false
      sendError(context: context, WireError(.shuttingDown, "the server is shutting down"))
    }
  }

  private func finish(
    context: ChannelHandlerContext, _ message: WireMessage, _ outcome: TailJob.Outcome
  ) {
    busy = false
    guard case .open = phase else { return }
    state.apply(message)
    let microseconds = Int((outcome.computeSeconds * 1e6).rounded())
    switch outcome.result {
    case .choice(let choice?):
      send(
        context: context,
        .token(
          TokenReply(
            token: choice.token, logProb: choice.logProbability,
            computeMicroseconds: microseconds, contextLength: outcome.contextLength)))
    case .choice(nil):
      send(context: context, .ack(Ack(contextLength: outcome.contextLength)))
    case .scores(let scores):
      send(context: context, .scores(scores))
    }
    processFrames(context: context)
  }

  // MARK: Output

  private func send(context: ChannelHandlerContext, _ message: WireMessage) {
    let bytes = message.encode()
    var tokens = 0
    if case .token = message { tokens = 1 }
    environment.metrics.sent(frameBytes: bytes.count, tokens: tokens)
    context.writeAndFlush(
      wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
  }

  /// Sends an ERROR; a closing one ends the session: the output is shut after it (so the peer
  /// reads the ERROR before the end of the stream) and whatever still arrives is discarded, until
  /// the peer closes or two seconds pass.
  private func sendError(context: ChannelHandlerContext, _ error: WireError, closing: Bool? = nil) {
    environment.metrics.error(error.code)
    send(context: context, .error(error))
    guard closing ?? error.code.closesConnection else { return }
    phase = .closing
    state.close()
    let closeOutput = context.eventLoop.makePromise(of: Void.self)
    context.close(mode: .output, promise: closeOutput)
    let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
    closeOutput.futureResult.whenFailure { _ in bound.value.close(promise: nil) }
    context.eventLoop.scheduleTask(in: .seconds(2)) { bound.value.close(promise: nil) }
  }

  /// Positions and payload bytes a client message carries (for the metrics).
  static func payloadSize(_ message: WireMessage) -> (positions: Int, bytes: Int) {
    switch message {
    case .prefill(let m): (m.payloads.count, m.payloads.reduce(0) { $0 + $1.count })
    case .score(let m): (m.payloads.count, m.payloads.reduce(0) { $0 + $1.count })
    case .step(let m): (1, m.payload.count)
    default: (0, 0)
    }
  }
}
