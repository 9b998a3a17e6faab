import SlicerWire
import Testing

@Suite struct ProtocolStateTests {
  let prefill3 = WireMessage.prefill(Prefill(payloads: [[1], [2], [3]]))
  let step = WireMessage.step(Step(payload: [1]))

  /// `check` then `apply`, as a server does when handling succeeds.
  func receive(_ message: WireMessage, _ state: inout ProtocolState) throws(WireError) {
    try state.check(message)
    state.apply(message)
  }

  @Test func aConversation() throws {
    var state = ProtocolState(maximumContext: 10)
    try receive(.hello(Samples.hello), &state)
    #expect(state.phase == .open)
    try receive(prefill3, &state)
    try receive(step, &state)
    try receive(.score(ScoreRequest(payloads: [[1], [2]], targets: [5, 6])), &state)
    try receive(.sampling(.greedy), &state)
    try receive(.codec("fp16"), &state)
    #expect(state.contextLength == 6)
    try receive(.reset, &state)
    #expect(state.contextLength == 0)
    try receive(prefill3, &state)
    try receive(.bye, &state)
    #expect(state.phase == .closed)
  }

  @Test func helloMustComeFirst() {
    let state = ProtocolState()
    #expect(throws: WireError(.unexpectedMessage, "expected HELLO as the first message, got STEP"))
    {
      try state.check(step)
    }
    #expect(throws: WireError.self) { try state.check(prefill3) }
    #expect(throws: WireError.self) { try state.check(.bye) }
  }

  @Test func onlyOneHello() throws {
    var state = ProtocolState()
    try receive(.hello(Samples.hello), &state)
    #expect(throws: WireError(.unexpectedMessage, "a second HELLO; the session is already open")) {
      try state.check(.hello(Samples.hello))
    }
  }

  @Test func stepNeedsAContext() throws {
    var state = ProtocolState()
    try receive(.hello(Samples.hello), &state)
    let error = WireError(
      .unexpectedMessage, "STEP on an empty context: send the prompt with PREFILL first")
    #expect(throws: error) { try state.check(step) }
    try receive(prefill3, &state)
    try receive(.reset, &state)
    #expect(throws: error) { try state.check(step) }
  }

  @Test func serverMessagesAreRejected() throws {
    var state = ProtocolState()
    try receive(.hello(Samples.hello), &state)
    let token = WireMessage.token(
      TokenReply(token: 1, logProb: 0, computeMicroseconds: 0, contextLength: 1))
    #expect(
      throws: WireError(.unexpectedMessage, "TOKEN is a server message; a client cannot send it")
    ) { try state.check(token) }
    #expect(throws: WireError.self) { try state.check(.helloOK(Samples.helloOK)) }
    #expect(throws: WireError.self) { try state.check(.error(WireError(.internalError, ""))) }
  }

  @Test func nothingAfterBye() throws {
    var state = ProtocolState()
    try receive(.hello(Samples.hello), &state)
    try receive(.bye, &state)
    #expect(throws: WireError(.unexpectedMessage, "RESET after BYE: the session is closed")) {
      try state.check(.reset)
    }
  }

  @Test func contextLimitNamesTheLimitAndChangesNothing() throws {
    var state = ProtocolState(maximumContext: 4)
    try receive(.hello(Samples.hello), &state)
    try receive(prefill3, &state)
    try receive(step, &state)
    let error = WireError(
      .contextFull,
      "the context is full: 4 positions + 1 new exceed the server's limit of 4; send RESET or start a new conversation"
    )
    #expect(throws: error) { try state.check(step) }
    #expect(!error.code.closesConnection)
    #expect(state.contextLength == 4)
    #expect(throws: WireError.self) { try state.check(prefill3) }
    try receive(.reset, &state)
    try receive(prefill3, &state)
    #expect(state.contextLength == 3)
  }

  @Test func checkDoesNotChangeTheState() throws {
    var state = ProtocolState()
    try state.check(.hello(Samples.hello))
    #expect(state.phase == .awaitingHello)
    state.apply(.hello(Samples.hello))
    try state.check(prefill3)
    #expect(state.contextLength == 0)
  }

  @Test func closeEndsTheSession() throws {
    var state = ProtocolState()
    try receive(.hello(Samples.hello), &state)
    state.close()
    #expect(throws: WireError.self) { try state.check(.reset) }
  }
}
