import Foundation
import SlicerCodec
import SlicerModel
import SlicerServer
import Testing

/// The server goes away mid-generation and comes back: the client says so, retries, replays
/// the conversation, and ends with the tokens of an uninterrupted run.
@Suite struct ReconnectTests {
  final class Log: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var replacement: RunningServer?

    func append(_ line: String) {
      lock.lock()
      lines.append(line)
      lock.unlock()
    }

    var all: [String] {
      lock.lock()
      defer { lock.unlock() }
      return lines
    }
  }

  static let prompt = [2, 713, 16, 10, 1296, 9, 5]

  func interruptedRun(codec: CodecSpec, stop: (TailServer) -> Void) throws -> (
    remote: [Int], local: [Int], log: Log, meter: WireMeter, port: Int
  ) {
    let loaded = try TinyOPT.load()
    let first = try RunningServer(model: loaded.model)
    let port = first.endpoint.port
    let log = Log()
    let meter = WireMeter()
    let tail = try remoteTail(
      first.endpoint, loaded, split: 2, codec: codec,
      options: testOptions(attempts: 12, meter: meter, events: log.append))
    let local = try generate(loaded, split: 2, codec: codec, prompt: Self.prompt, maxTokens: 24)
    let remote = try generate(
      loaded, split: 2, codec: codec, prompt: Self.prompt, maxTokens: 24, transport: tail
    ) { count in
      guard count == 8 else { return }
      stop(first.server)
      // A new server on the same port a moment later.
      Thread.detachNewThread {
        Thread.sleep(forTimeInterval: 0.3)
        log.replacement = try? RunningServer(model: loaded.model) { $0.port = port }
      }
    }
    log.replacement?.stop()
    return (remote, local, log, meter, port)
  }

  @Test func aKilledServerIsReplacedAndTheGenerationFinishesUnchanged() throws {
    let run = try interruptedRun(codec: .int8) { $0.terminate() }
    #expect(run.remote == run.local)
    #expect(run.meter.reconnects == 1)
    let lines = run.log.all
    #expect(lines.first?.hasPrefix("lost the tail server at 127.0.0.1:\(run.port) (") == true)
    #expect(lines.first?.hasSuffix("reconnecting in 0.1 s (attempt 1 of 12)") == true)
    // 7 prompt positions + 7 steps were acknowledged before the server died.
    #expect(lines.last == "reconnected to 127.0.0.1:\(run.port); replayed 14 positions")
  }

  @Test func aServerShuttingDownGracefullyIsRetriedToo() throws {
    let run = try interruptedRun(codec: .fp16) { $0.shutdown(grace: .seconds(2)) }
    #expect(run.remote == run.local)
    #expect(run.meter.reconnects == 1)
    #expect(
      run.log.all.first
        == "lost the tail server at 127.0.0.1:\(run.port) (the server is shutting down); reconnecting in 0.1 s (attempt 1 of 12)"
    )
  }

  @Test func aReplayAfterACodecChangeDecodesEachPositionWithItsOwnCodec() throws {
    let loaded = try TinyOPT.load()
    func run(_ transport: (any TailTransport)?, kill: @escaping () -> Void = {}) throws -> [Int] {
      let tail =
        try transport ?? LocalTail(model: loaded.model, split: 2, codec: .fp16, sampling: .greedy)
      var generator = Generator(
        head: try SplitHead(model: loaded.model, split: 2), codec: .fp16, transport: tail)
      let control = GenerationControl()
      var tokens: [Int] = []
      _ = try generator.generate(
        prompt: Self.prompt, maxTokens: 20, stopTokens: [], control: control
      ) { step in
        tokens.append(step.token)
        if tokens.count == 4 { control.requestCodec(.slicer(budget: 0.01)) }
        if tokens.count == 9 { kill() }
        return true
      }
      return tokens
    }
    let first = try RunningServer(model: loaded.model)
    let port = first.endpoint.port
    let log = Log()
    let meter = WireMeter()
    let remote = try run(
      remoteTail(
        first.endpoint, loaded, split: 2, codec: .fp16,
        options: testOptions(attempts: 12, meter: meter, events: log.append))
    ) {
      first.server.terminate()
      Thread.detachNewThread {
        Thread.sleep(forTimeInterval: 0.3)
        log.replacement = try? RunningServer(model: loaded.model) { $0.port = port }
      }
    }
    log.replacement?.stop()
    #expect(remote == (try run(nil)))
    #expect(meter.reconnects == 1)
    // HELLO with fp16, PREFILLs, CODEC to slicer, PREFILLs: two CODEC frames in all.
    #expect(meter.stats.sent[.codec]?.frames == 2)
  }

  @Test func aServerThatNeverReturnsEndsInOneLine() throws {
    let loaded = try TinyOPT.load()
    let server = try RunningServer(model: loaded.model)
    var tail = try remoteTail(
      server.endpoint, loaded, split: 1, codec: .none, options: testOptions(attempts: 2))
    var head = try SplitHead(model: loaded.model, split: 1)
    let (payloads, _) = LinkEncoder(.none).encode(try head.forward([2, 5]))
    _ = try tail.prefill(payloads, tokens: [2, 5])
    server.server.terminate()
    let (next, _) = LinkEncoder(.none).encode(try head.forward([7]))
    do {
      _ = try tail.step(next[0])
      Issue.record("a step succeeded without a server")
    } catch let error as RemoteTailError {
      guard case .serverGone(let endpoint, let attempts, _) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(endpoint == server.endpoint.description)
      #expect(attempts == 2)
      #expect(!error.description.contains("\n"))
      #expect(
        error.description.hasSuffix(
          "and could not reconnect in 2 attempts; the conversation is kept by the client, retry later"
        ))
    }
  }
}
