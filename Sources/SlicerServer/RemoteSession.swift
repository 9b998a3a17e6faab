import Foundation
import SlicerWire

/// The client's side of one conversation with a tail server, kept across connections.
///
/// It remembers every position the server has acknowledged — its token id and the codec bytes
/// sent for it, grouped by the codec in force — so that when the server goes away it can
/// connect again, send the same HELLO, and replay them as PREFILLs without sampling (PROTOCOL.md
/// §8), then resend the request that was in flight. The conversation is not lost; a greedy run
/// continues with the very tokens it would have produced.
final class RemoteSession {
  /// Positions sent under one codec.
  struct Segment {
    var codec: String
    var tokens: [Int] = []
    var payloads: [[UInt8]] = []
  }

  let endpoint: ServerEndpoint
  private(set) var hello: Hello
  let options: RemoteTailOptions
  private var connection: WireConnection?
  private(set) var server: HelloOK
  private var segments: [Segment] = []
  /// The token the server sampled last: the token at the position the next STEP brings.
  private(set) var lastSampled: Int?
  /// The server of this connection sampled the token of the next position itself, so a STEP
  /// may carry it (after a reconnect the new session does not know it: PREFILL it with its id).
  private var stepReady = false
  /// The server's context no longer equals the history (after a SCORE, or a request that
  /// failed half way): RESET and replay before the next request.
  private var dirty = false

  /// Connects and opens the session; errors are not retried (a wrong address, token or model
  /// should fail at once).
  init(endpoint: ServerEndpoint, hello: Hello, options: RemoteTailOptions) throws(RemoteTailError) {
    self.endpoint = endpoint
    self.hello = hello
    self.options = options
    do throws(ExchangeFailure) {
      let (connection, server) = try Self.open(endpoint, hello, options)
      self.connection = connection
      self.server = server
    } catch {
      switch error {
      case .lost(let reason):
        throw .cannotConnect(endpoint: endpoint.description, reason: reason)
      case .server(let error):
        throw .refused(endpoint: endpoint.description, error)
      case .violation(let detail):
        throw .protocolViolation(endpoint: endpoint.description, detail)
      case .incompatible(let error):
        throw .incompatible(endpoint: endpoint.description, error)
      }
    }
  }

  deinit { connection?.close() }

  var positionCount: Int { segments.reduce(0) { $0 + $1.tokens.count } }

  /// Ends the session politely (BYE) and closes the connection.
  func close() {
    try? connection?.send([.bye])
    connection?.close()
    connection = nil
  }

  // MARK: Requests

  /// Appends positions and, when `sample`, returns the server's next token. `step` asks for a
  /// STEP frame (one position whose token the server chose); it falls back to a PREFILL with
  /// the token id when the server cannot know it.
  func append(tokens: [Int], payloads: [[UInt8]], sample: Bool, step: Bool) throws(RemoteTailError)
    -> TokenReply?
  {
    let reply = try exchange { connection throws(ExchangeFailure) -> TokenReply? in
      let expected = positionCount + payloads.count
      let messages: [WireMessage]
      if step && stepReady && payloads.count == 1 {
        messages = [.step(Step(payload: payloads[0]))]
      } else {
        messages = try prefills(tokens: tokens, payloads: payloads, sample: sample)
      }
      let replies = try roundTrip(connection, messages)
      try expectAcks(replies.dropLast(sample ? 1 : 0), context: nil)
      guard sample else {
        try expectAcks(replies.suffix(1), context: expected)
        return nil
      }
      guard case .token(let token) = replies.last else {
        throw .violation("expected TOKEN, got \(replies.last?.type.name ?? "nothing")")
      }
      guard token.contextLength == expected else {
        throw .violation(
          "the server holds \(token.contextLength) positions, the client \(expected)")
      }
      guard token.token < server.vocabularySize else {
        throw .violation(
          "token \(token.token) is outside the vocabulary of \(server.vocabularySize)")
      }
      return token
    }
    record(tokens: tokens, payloads: payloads)
    stepReady = sample
    lastSampled = reply?.token
    return reply
  }

  /// Scores positions against targets in a fresh context: RESET, then SCOREs chunked to the
  /// frame limits, all pipelined. The conversation is replayed before the next request.
  /// With `distributions`, the second result holds every position's log-softmax row as the
  /// server sent it (binary16 bit patterns, row-major over the vocabulary), else it is empty.
  func score(payloads: [[UInt8]], targets: [Int], distributions: Bool = false)
    throws(RemoteTailError) -> (positions: [ScoredPosition], logProbHalfBits: [UInt16])
  {
    guard !payloads.isEmpty else { return ([], []) }
    defer { dirty = true }
    let vocabulary = server.vocabularySize
    return try exchange {
      connection throws(ExchangeFailure) -> ([ScoredPosition], [UInt16]) in
      let chunks = try scoreChunks(
        payloads: payloads, targets: targets, distributions: distributions)
      let replies = try roundTrip(connection, [.reset] + chunks.map { .score($0) })
      try expectAcks(replies.prefix(1), context: 0)
      var positions: [ScoredPosition] = []
      var table: [UInt16] = []
      if distributions { table.reserveCapacity(payloads.count * vocabulary) }
      for (chunk, reply) in zip(chunks, replies.dropFirst()) {
        guard case .scores(let scores) = reply, scores.positions.count == chunk.payloads.count
        else {
          throw .violation("expected SCORES for \(chunk.payloads.count) positions")
        }
        if distributions {
          // The table's shape is the server's word: check it against what HELLO_OK announced.
          guard let rows = scores.distributions, rows.vocabularySize == vocabulary,
            rows.positionCount == chunk.payloads.count
          else {
            throw .violation(
              "expected distributions of \(chunk.payloads.count) positions over the vocabulary "
                + "of \(vocabulary)")
          }
          table += rows.halfBits
        }
        positions += scores.positions
      }
      return (positions, table)
    }
  }

  func setCodec(_ name: String) throws(RemoteTailError) {
    try exchange { connection throws(ExchangeFailure) in
      try expectAcks(try roundTrip(connection, [.codec(name)]), context: nil)
    }
    hello.codec = name
  }

  func setSampling(_ sampling: Sampling) throws(RemoteTailError) {
    if let reason = sampling.invalidReason { throw .unsendable("invalid sampling: \(reason)") }
    try exchange { connection throws(ExchangeFailure) in
      try expectAcks(try roundTrip(connection, [.sampling(sampling)]), context: nil)
    }
    hello.sampling = sampling
  }

  func reset() throws(RemoteTailError) {
    segments = []
    lastSampled = nil
    stepReady = false
    dirty = false
    try exchange { connection throws(ExchangeFailure) in
      try expectAcks(try roundTrip(connection, [.reset]), context: 0)
    }
  }

  // MARK: Connection and replay

  /// Runs `body` on a live connection whose server context equals the history, reconnecting
  /// (with backoff) and replaying when the server went away.
  private func exchange<T>(_ body: (WireConnection) throws(ExchangeFailure) -> T)
    throws(RemoteTailError) -> T
  {
    var attempt = 0
    while true {
      do throws(ExchangeFailure) {
        let connection = try live()
        if dirty { try restore(on: connection, afterReset: true) }
        defer { options.meter.finishExchange() }
        do throws(ExchangeFailure) {
          return try body(connection)
        } catch .server(let error) where !error.code.closesConnection {
          dirty = true  // some of a pipelined request may have been applied
          throw ExchangeFailure.server(error)
        }
      } catch {
        switch error {
        case .lost(let reason):
          try retry(after: reason, attempt: &attempt)
        case .server(let error) where Self.isTransient(error.code):
          try retry(after: error.description, attempt: &attempt)
        case .server(let error):
          if error.code.closesConnection { drop() }
          throw .refused(endpoint: endpoint.description, error)
        case .violation(let detail):
          drop()
          throw .protocolViolation(endpoint: endpoint.description, detail)
        case .incompatible(let error):
          drop()
          throw .incompatible(endpoint: endpoint.description, error)
        }
      }
    }
  }

  /// Errors after which the same server (or its successor) may accept us again.
  private static func isTransient(_ code: WireErrorCode) -> Bool {
    code == .shuttingDown || code == .idleTimeout || code == .tooManySessions
  }

  private func retry(after reason: String, attempt: inout Int) throws(RemoteTailError) {
    drop()
    attempt += 1
    guard attempt <= options.retry.attempts else {
      throw .serverGone(
        endpoint: endpoint.description, attempts: options.retry.attempts, reason: reason)
    }
    let delay = options.retry.delay(beforeAttempt: attempt)
    options.onEvent?(
      "lost the tail server at \(endpoint) (\(reason)); reconnecting in "
        + "\(String(format: "%.1f", delay)) s (attempt \(attempt) of \(options.retry.attempts))")
    Thread.sleep(forTimeInterval: delay)
  }

  private func drop() {
    connection?.close()
    connection = nil
    stepReady = false
  }

  /// The connection, opening a new session and replaying the history when there is none.
  private func live() throws(ExchangeFailure) -> WireConnection {
    if let connection { return connection }
    var first = hello
    first.codec = segments.first?.codec ?? hello.codec
    let (connection, server) = try Self.open(endpoint, first, options)
    self.connection = connection
    self.server = server
    options.meter.reconnected()
    stepReady = false
    dirty = false
    try restore(on: connection, afterReset: false, sessionCodec: first.codec)
    options.onEvent?("reconnected to \(endpoint); replayed \(positionCount) positions")
    return connection
  }

  /// Brings the server's context back to the history: (RESET), then each segment's positions
  /// as PREFILLs without sampling under its codec, then the current codec.
  private func restore(
    on connection: WireConnection, afterReset reset: Bool, sessionCodec: String? = nil
  )
    throws(ExchangeFailure)
  {
    var messages: [WireMessage] = reset ? [.reset] : []
    var codec = sessionCodec ?? hello.codec
    for segment in segments where !segment.tokens.isEmpty {
      if segment.codec != codec {
        messages.append(.codec(segment.codec))
        codec = segment.codec
      }
      messages += try prefills(tokens: segment.tokens, payloads: segment.payloads, sample: false)
    }
    if codec != hello.codec { messages.append(.codec(hello.codec)) }
    if !messages.isEmpty {
      try expectAcks(try roundTrip(connection, messages), context: nil)
      options.meter.finishExchange()
    }
    dirty = false
    stepReady = false
  }

  private static func open(_ endpoint: ServerEndpoint, _ hello: Hello, _ options: RemoteTailOptions)
    throws(ExchangeFailure) -> (WireConnection, HelloOK)
  {
    let connection: WireConnection
    do {
      connection = try WireConnection(
        endpoint: endpoint, connectTimeout: options.connectTimeout,
        replyTimeout: options.replyTimeout, maximumReplyBytes: options.maximumReplyBytes,
        meter: options.meter)
    } catch {
      throw .lost("\(error)")
    }
    do throws(ExchangeFailure) {
      try connection.send([.hello(hello)])
      let reply = try connection.receive()
      options.meter.finishExchange()
      guard case .helloOK(let ok) = reply else {
        throw ExchangeFailure.violation("expected HELLO_OK, got \(reply.type.name)")
      }
      return (connection, ok)
    } catch {
      connection.close()
      throw error
    }
  }

  // MARK: Frames

  private func roundTrip(_ connection: WireConnection, _ messages: [WireMessage])
    throws(ExchangeFailure) -> [WireMessage]
  {
    try connection.send(messages)
    var replies: [WireMessage] = []
    var failure: ExchangeFailure?
    for _ in messages {
      do {
        replies.append(try connection.receive())
      } catch .server(let error) where !error.code.closesConnection {
        failure = failure ?? .server(error)  // read the other replies, then report the first
      }
    }
    if let failure { throw failure }
    return replies
  }

  private func expectAcks(_ replies: some Collection<WireMessage>, context: Int?)
    throws(ExchangeFailure)
  {
    for reply in replies {
      guard case .ack(let ack) = reply else {
        throw .violation("expected ACK, got \(reply.type.name)")
      }
      if let context, ack.contextLength != context {
        throw .violation("the server holds \(ack.contextLength) positions, the client \(context)")
      }
    }
  }

  /// PREFILLs with token ids, each within the server's frame limit; only the last may sample.
  private func prefills(tokens: [Int], payloads: [[UInt8]], sample: Bool) throws(ExchangeFailure)
    -> [WireMessage]
  {
    let ranges = try chunk(payloads, extra: tokens.map { VarintSize.of($0) })
    return ranges.enumerated().map { i, range in
      .prefill(
        Prefill(
          payloads: Array(payloads[range]), tokens: Array(tokens[range]),
          sample: sample && i == ranges.count - 1))
    }
  }

  /// SCOREs within the server's frame limit, each with a reply within ours: SCORES takes at
  /// most 16 bytes of header, 9 per position, and with distributions 5 for the vocabulary size
  /// and 2 per token per position (the server's own bound, `SessionHandler.checkReplySize`).
  private func scoreChunks(payloads: [[UInt8]], targets: [Int], distributions: Bool)
    throws(ExchangeFailure) -> [ScoreRequest]
  {
    let perPosition = 9 + (distributions ? 2 * server.vocabularySize : 0)
    let room = options.maximumReplyBytes - 16 - (distributions ? 5 : 0)
    guard room >= perPosition else {
      throw .violation(
        "one position's distribution takes \(perPosition) bytes, more than the reply limit of "
          + "\(options.maximumReplyBytes) bytes")
    }
    return try chunk(
      payloads, extra: targets.map { VarintSize.of($0) }, maximumCount: room / perPosition
    ).map {
      ScoreRequest(
        payloads: Array(payloads[$0]), targets: Array(targets[$0]),
        wantsDistribution: distributions)
    }
  }

  /// Cuts positions into runs whose frames fit the server's limit: type, flags and count take at
  /// most 7 bytes; each position its `extra` bytes (an id), its length varint and its payload.
  private func chunk(_ payloads: [[UInt8]], extra: [Int], maximumCount: Int = .max)
    throws(ExchangeFailure)
    -> [Range<Int>]
  {
    let limit = server.limits.maximumFrameBytes - 7
    var ranges: [Range<Int>] = []
    var start = 0
    var size = 0
    for (i, payload) in payloads.enumerated() {
      let cost = extra[i] + VarintSize.of(payload.count) + payload.count
      guard cost <= limit else {
        throw .violation(
          "position \(i) takes \(cost) bytes, more than the server's frame limit of "
            + "\(server.limits.maximumFrameBytes)")
      }
      if size + cost > limit || i - start >= maximumCount {
        ranges.append(start..<i)
        start = i
        size = 0
      }
      size += cost
    }
    ranges.append(start..<payloads.count)
    return ranges
  }

  private func record(tokens: [Int], payloads: [[UInt8]]) {
    if segments.last?.codec != hello.codec { segments.append(Segment(codec: hello.codec)) }
    segments[segments.count - 1].tokens += tokens
    segments[segments.count - 1].payloads += payloads
  }
}

/// Bytes of a value's LEB128 varint encoding (PROTOCOL.md §1), for sizing frames.
enum VarintSize {
  static func of(_ value: Int) -> Int {
    var v = UInt64(max(value, 0)) >> 7
    var bytes = 1
    while v > 0 {
      bytes += 1
      v >>= 7
    }
    return bytes
  }
}
