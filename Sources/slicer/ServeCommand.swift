import ArgumentParser
import Dispatch
import Foundation
import SlicerModel
import SlicerServer
import SlicerWire

struct ServeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Run model tails for remote clients (`--server HOST:PORT` on generate, chat, …).",
    discussion: """
      Each connection is a session with its own tail KV cache, at the split its client asks \
      for. Decode steps of different sessions that arrive together run through the tail as one \
      batch. Listens on loopback unless --token is set; SIGINT or SIGTERM stop it gracefully. \
      The protocol is docs/PROTOCOL.md.
      """)

  @Option(
    help: ArgumentHelp(
      "Model directory or .gguf file (default: Weights/opt-125m, else Weights/smollm2-135m-instruct)."
    ))
  var model: String?

  @Option(help: "Address to listen on; anything but loopback needs --token.")
  var host = "127.0.0.1"

  @Option(help: "Port to listen on (0: any free port, printed at start).")
  var port = 7070

  @Option(name: .customLong("max-sessions"), help: "Sessions held at once.")
  var maxSessions = 64

  @Option(help: "Secret every client must send (default: $SLICER_TOKEN).")
  var token: String?

  @Option(
    name: .customLong("metrics-port"),
    help: "Serve Prometheus text metrics on this port (GET /metrics).")
  var metricsPort: Int?

  @Option(
    name: .customLong("max-context"),
    help: "Most positions per session (default: the model's context).")
  var maxContext: Int?

  @Option(
    name: .customLong("idle-timeout"),
    help: "Seconds without a request before a session is closed (0: never).")
  var idleTimeout = 300

  @Option(name: .customLong("max-frame-bytes"), help: "Longest frame accepted from a client.")
  var maxFrameBytes = WireLimits.defaultMaximumFrameBytes

  @Flag(name: .customLong("no-batching"), help: "Run every session's steps alone.")
  var noBatching = false

  @Option(
    name: .customLong("batch-window-us"),
    help: "How long a step waits for others to batch with, in µs.")
  var batchWindow = 2000

  func run() throws {
    let secret =
      token
      ?? ProcessInfo.processInfo.environment["SLICER_TOKEN"].flatMap {
        $0.isEmpty ? nil : $0
      }
    let configuration = ServerConfiguration(
      host: host, port: port, maximumSessions: maxSessions, authToken: secret,
      maximumFrameBytes: maxFrameBytes, maximumContext: maxContext ?? .max,
      idleTimeoutSeconds: idleTimeout, batching: !noBatching, batchWindowMicroseconds: batchWindow,
      metricsPort: metricsPort)
    do throws(ServerError) {
      try configuration.validate()  // before the model loads: a bad flag fails at once
    } catch {
      throw CLIError(error.description)
    }
    let loaded = try ModelOptions.parse(model.map { ["--model", $0] } ?? []).load()
    let server: TailServer
    do throws(ServerError) {
      server = try TailServer(model: loaded.model, configuration: configuration)
      try server.start()
    } catch {
      throw CLIError(error.description)
    }
    // Before the address is announced: whoever reads it may send SIGTERM at once.
    ShutdownSignals.install { server.shutdown() }
    let info = loaded.info
    let listening = ServerEndpoint(host: host, port: server.port ?? port)
    var line =
      "listening on \(listening): \(info.name), \(info.layerCount) layers, weights \(server.fingerprint.short)"
    if let metricsPort = server.metricsPort {
      line += "; metrics on \(host):\(metricsPort)/metrics"
    }
    Output.write(line + "\n")
    Output.error(
      "[\(configuration.batching ? "batching steps" : "no batching"), up to \(maxSessions) sessions"
        + "\(secret == nil ? "" : ", token required"); Ctrl-C or SIGTERM stops]\n")

    server.waitUntilStopped()
    let totals = server.metrics.snapshot
    Output.error(
      "[stopped: \(totals.sessionsOpened) sessions, \(totals.tokens) tokens, "
        + String(format: "%.1f s of tail compute]\n", totals.computeSeconds))
  }
}

/// SIGINT and SIGTERM run `stop` once, on a background thread.
///
/// The handlers are plain signal handlers that write a byte to a pipe, installed before `install`
/// returns: a signal that arrives at any moment afterwards is never lost. (A dispatch signal
/// source needs the signal ignored first and registers asynchronously, so a SIGTERM sent just
/// after start-up could vanish and leave the server running.)
enum ShutdownSignals {
  static func install(_ stop: @escaping @Sendable () -> Void) {
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else { return }  // no pipe: the default action (exit) remains
    let reader = fds[0]
    shutdownPipe = fds[1]
    Thread.detachNewThread {
      var byte: UInt8 = 0
      while read(reader, &byte, 1) < 0 && errno == EINTR {}
      Output.error("\n[shutting down: finishing running requests]\n")
      stop()
    }
    for number in [SIGINT, SIGTERM] {
      signal(number) { _ in
        var byte: UInt8 = 1
        _ = write(shutdownPipe, &byte, 1)  // async-signal-safe
      }
    }
  }
}

/// The write end of the shutdown pipe: set once, before the signal handlers that read it exist.
nonisolated(unsafe) private var shutdownPipe: Int32 = -1
