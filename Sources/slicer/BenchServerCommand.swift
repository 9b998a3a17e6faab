import ArgumentParser
import Dispatch
import Foundation
import SlicerCodec
import SlicerModel
import SlicerServer
import SlicerWire

struct BenchServerCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "server",
    abstract:
      "Tail server throughput at 1, 4, 16 and 64 clients, with and without batching, and bytes on the wire per step.",
    discussion: """
      Starts a server on a loopback port in this process; each client is a thread with its own \
      connection that sends a prompt, then steps. The clients send hidden states computed once \
      in advance, so the figures are the server's. Without --model, uses a model of \
      facebook/opt-125m's shape with random weights.
      """)

  @Option(help: "Model directory or .gguf (default: a random opt-125m).")
  var model: String?

  @Option(help: "Split layer (default: half the depth).")
  var split: Int?

  @Option(help: "Codec for the throughput runs.", transform: { try CodecSpec(parsing: $0) })
  var codec: CodecSpec = .fp16

  @Option(name: .customLong("prompt-tokens"), help: "Prompt length each client sends first.")
  var promptTokens = 16

  @Option(help: "Decode steps per client (timed).")
  var tokens = 16

  @Option(
    help: "Client counts, comma-separated.",
    transform: { text in
      try text.split(separator: ",").map {
        guard let n = Int($0.trimmingCharacters(in: .whitespaces)), (1...256).contains(n) else {
          throw ValidationError("--clients takes counts in 1…256, e.g. 1,4,16,64")
        }
        return n
      }
    })
  var clients: [Int] = [1, 4, 16, 64]

  @Flag(help: "Print one JSON object.")
  var json = false

  func validate() throws {
    guard promptTokens > 0, tokens > 0 else {
      throw ValidationError("--prompt-tokens and --tokens must be positive")
    }
  }

  func run() throws {
    let decoder: any DecoderModel
    if let model {
      decoder = try ModelOptions.parse(["--model", model]).load().model
    } else {
      let config = OPTConfig.opt125m
      decoder = try OPTModel(
        config: config, weights: RandomWeights(shapes: config.tensorShapes), name: "random-opt-125m"
      )
    }
    let info = decoder.info
    let s = split ?? info.layerCount / 2
    guard (1..<info.layerCount).contains(s) else {
      throw CLIError("--split \(s) is outside 1…\(info.layerCount - 1)")
    }
    guard promptTokens + tokens <= info.contextLength else {
      throw CLIError("--prompt-tokens + --tokens exceeds the context of \(info.contextLength)")
    }
    let bench = ServerBench(
      model: decoder, split: s, promptTokens: promptTokens, steps: tokens,
      fingerprint: ModelFingerprint(model: decoder))
    if !json {
      print(
        "model \(info.name), split \(s)/\(info.layerCount), codec \(codec), \(promptTokens)-token prompt, \(tokens) timed steps per client"
      )
      print("clients  batching  tokens/s  tail ms/token  cpu ms/token  rows/run")
    }
    var rows: [ServerBenchRow] = []
    for batching in [false, true] {
      for count in clients {
        let row = try bench.throughput(clients: count, batching: batching, codec: codec)
        rows.append(row)
        if !json {
          print(
            String(
              format: "%7d  %@  %8.1f  %13.2f  %12.2f  %8.1f", count,
              batching ? "on      " : "off     ", row.tokensPerSecond,
              row.tailMillisecondsPerToken, row.cpuMillisecondsPerToken, row.rowsPerRun))
        }
      }
    }
    var wire: [WireBenchRow] = []
    for spec in Self.wireCodecs(adding: codec) {
      wire.append(try bench.wire(codec: spec))
    }
    if json {
      print(
        try JSONOutput.string(
          ServerBenchResult(
            model: info.name, split: s, codec: codec.description, throughput: rows, wire: wire)))
    } else {
      print("\nbytes on the wire per step (d = \(info.hiddenSize))")
      print("codec           codec bits  payload B  STEP frame B  framing B  TOKEN reply B")
      for row in wire {
        print(
          String(
            format: "%@  %10.0f  %9.1f  %12.1f  %9.1f  %13.1f",
            row.codec.padding(toLength: 14, withPad: " ", startingAt: 0), row.codecBits,
            row.payloadBytes, row.stepFrameBytes, row.stepFrameBytes - row.payloadBytes,
            row.tokenReplyBytes))
      }
    }
  }

  static func wireCodecs(adding codec: CodecSpec) -> [CodecSpec] {
    var list: [CodecSpec] = [
      .none, .fp16, .int8, .topK(fraction: 0.25, bits: 4), .slicer(budget: 0.01),
      .slicer(budget: 0.001),
    ]
    if !list.contains(codec) { list.append(codec) }
    return list
  }
}

/// Runs clients against an in-process server.
struct ServerBench {
  let model: any DecoderModel
  let split: Int
  let promptTokens: Int
  let steps: Int
  let fingerprint: ModelFingerprint

  /// The prompt's and the steps' hidden states, encoded (the same for every client).
  func payloads(_ codec: CodecSpec) throws -> (
    prompt: [LinkPayload], steps: [LinkPayload], bits: Double
  ) {
    var random = SlicerModel.SplitMix64(seed: 7)
    let ids = (0..<(promptTokens + steps)).map { _ in
      Int(random.next() % UInt64(model.info.vocabularySize))
    }
    var head = try SplitHead(model: model, split: split)
    let (encoded, stats) = LinkEncoder(codec).encode(try head.forward(ids))
    let totalBits: Int = stats.reduce(0) { $0 + $1.totalBits }
    let bits = Double(totalBits) / Double(max(stats.count, 1))
    return (Array(encoded[..<promptTokens]), Array(encoded[promptTokens...]), bits)
  }

  func server(batching: Bool, sessions: Int) throws -> TailServer {
    let server = try TailServer(
      model: model,
      configuration: ServerConfiguration(
        host: "127.0.0.1", port: 0, maximumSessions: sessions, idleTimeoutSeconds: 0,
        batching: batching, maximumBatch: 64),
      fingerprint: fingerprint)
    try server.start()
    return server
  }

  func throughput(clients: Int, batching: Bool, codec: CodecSpec) throws -> ServerBenchRow {
    let (prompt, stepPayloads, _) = try payloads(codec)
    let server = try server(batching: batching, sessions: clients)
    defer { server.shutdown() }
    let endpoint = ServerEndpoint(host: "127.0.0.1", port: server.port ?? 0)
    let ready = DispatchGroup()
    let done = DispatchGroup()
    let go = DispatchSemaphore(value: 0)
    let failures = FailureList()
    for _ in 0..<clients {
      ready.enter()
      done.enter()
      Thread.detachNewThread { [model, split, fingerprint] in
        defer { done.leave() }
        var tail: RemoteTail?
        do {
          tail = try RemoteTail(
            endpoint: endpoint, model: model, fingerprint: fingerprint, split: split, codec: codec,
            sampling: .greedy, options: RemoteTailOptions(retry: RetryPolicy(attempts: 0)))
          _ = try tail?.prefill(prompt, tokens: (0..<prompt.count).map { _ in 2 })
        } catch {
          failures.add("\(error)")
          tail = nil
        }
        ready.leave()
        go.wait()
        guard var tail else { return }
        do {
          for payload in stepPayloads { _ = try tail.step(payload) }
        } catch {
          failures.add("\(error)")
        }
        tail.close()
      }
    }
    ready.wait()
    let before = server.metrics.snapshot
    let cpuBefore = ProcessCPU.seconds
    let start = ContinuousClock.now
    for _ in 0..<clients { go.signal() }
    done.wait()
    let seconds = (ContinuousClock.now - start).seconds
    let cpu = ProcessCPU.seconds - cpuBefore
    let after = server.metrics.snapshot
    if let failure = failures.first { throw CLIError("a bench client failed: \(failure)") }
    let tokens = after.tokens - before.tokens
    let runs = after.runs - before.runs
    return ServerBenchRow(
      clients: clients, batching: batching, tokens: tokens, seconds: seconds,
      tokensPerSecond: Double(tokens) / seconds,
      tailMillisecondsPerToken: 1000 * (after.computeSeconds - before.computeSeconds)
        / Double(max(tokens, 1)),
      cpuMillisecondsPerToken: 1000 * cpu / Double(max(tokens, 1)),
      rowsPerRun: Double(after.rows - before.rows) / Double(max(runs, 1)))
  }

  /// One client, a few steps: codec bits against the bytes that crossed the wire.
  func wire(codec: CodecSpec) throws -> WireBenchRow {
    let (prompt, stepPayloads, bits) = try payloads(codec)
    let server = try server(batching: false, sessions: 1)
    defer { server.shutdown() }
    let meter = WireMeter()
    var tail = try RemoteTail(
      endpoint: ServerEndpoint(host: "127.0.0.1", port: server.port ?? 0), model: model,
      fingerprint: fingerprint, split: split, codec: codec, sampling: .greedy,
      options: RemoteTailOptions(meter: meter))
    _ = try tail.prefill(prompt, tokens: (0..<prompt.count).map { _ in 2 })
    for payload in stepPayloads.prefix(8) { _ = try tail.step(payload) }
    tail.close()
    let stats = meter.stats
    let step = stats.sent[.step] ?? WireStats.Counter()
    let replies = stats.received[.token] ?? WireStats.Counter()
    let payloadBytes = Double(stepPayloads.prefix(8).reduce(0) { $0 + RemoteTail.wireBytes($1) })
    return WireBenchRow(
      codec: codec.description == "none" ? "none (fp32)" : codec.description, codecBits: bits,
      payloadBytes: payloadBytes / Double(max(step.frames, 1)),
      stepFrameBytes: Double(step.bytes) / Double(max(step.frames, 1)),
      tokenReplyBytes: Double(replies.bytes) / Double(max(replies.frames, 1)))
  }
}

/// User + system CPU time this process has used.
enum ProcessCPU {
  static var seconds: Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func value(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
    return value(usage.ru_utime) + value(usage.ru_stime)
  }
}

/// Errors from client threads.
final class FailureList: @unchecked Sendable {
  private let lock = NSLock()
  private var items: [String] = []
  func add(_ item: String) {
    lock.lock()
    items.append(item)
    lock.unlock()
  }
  var first: String? {
    lock.lock()
    defer { lock.unlock() }
    return items.first
  }
}

struct ServerBenchRow: Encodable {
  var clients: Int
  var batching: Bool
  var tokens: Int
  var seconds: Double
  var tokensPerSecond: Double
  var tailMillisecondsPerToken: Double
  /// CPU time of the whole process (all threads: tail, BLAS, event loops, clients) per token —
  /// steadier than wall time on a busy machine.
  var cpuMillisecondsPerToken: Double
  var rowsPerRun: Double

  enum CodingKeys: String, CodingKey {
    case clients, batching, tokens, seconds
    case tokensPerSecond = "tokens_per_second"
    case tailMillisecondsPerToken = "tail_ms_per_token"
    case cpuMillisecondsPerToken = "cpu_ms_per_token"
    case rowsPerRun = "rows_per_run"
  }
}

struct WireBenchRow: Encodable {
  var codec: String
  var codecBits: Double
  var payloadBytes: Double
  var stepFrameBytes: Double
  var tokenReplyBytes: Double

  enum CodingKeys: String, CodingKey {
    case codec
    case codecBits = "codec_bits"
    case payloadBytes = "payload_bytes"
    case stepFrameBytes = "step_frame_bytes"
    case tokenReplyBytes = "token_reply_bytes"
  }
}

struct ServerBenchResult: Encodable {
  var model: String
  var split: Int
  var codec: String
  var throughput: [ServerBenchRow]
  var wire: [WireBenchRow]
}
