import ArgumentParser
import Foundation
import SlicerCodec
import SlicerModel
import SlicerServer
import SlicerTUI
import SlicerWire

/// `slicer chat`: the full-screen chat with live link panes, or a line-mode REPL.
struct ChatCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "chat",
    abstract:
      "Chat through the split model, with the link's bits, budget and timing live on screen.",
    discussion: """
      Keys: F1 help, F2/F3 distortion budget down/up, F4/F5 split down/up, F6 next codec, \
      F8 new conversation, Ctrl-C stop the answer, F10 or Ctrl-D quit. Slash commands: /budget, \
      /split, /codec, /server, /temp, /max, /reset, /save FILE, /help. When stdin or stdout is \
      not a terminal (or with --plain) it runs as a line-mode REPL that prints one stats line \
      per answer. History: ~/.slicer_history (SLICER_HISTORY overrides; empty: none). \
      NO_COLOR is respected.
      """)

  @OptionGroup var options: ModelOptions
  @OptionGroup var sampling: SamplingOptions

  @Option(
    help: ArgumentHelp(
      "Codec for the hidden states: none, fp32, fp16, bf16, int8, topk:FRACTION:BITS, slicer:BUDGET[:g=GROUPS][:m=rel|mse].",
      valueName: "codec"),
    transform: { text in try CodecSpec(parsing: text) })
  var codec: CodecSpec = .slicer(budget: BudgetStepper.defaultBudget)

  @Option(name: .customLong("max-tokens"), help: "Most tokens per answer.")
  var maxTokens: Int = 256

  @Option(help: "System prompt for chat models (default: the model's own).")
  var system: String?

  @Option(help: "Run the tail on a `slicer serve` at HOST:PORT (default: in-process).")
  var server: String?

  @Option(
    help: ArgumentHelp(
      "The server's auth token (default: $SLICER_TOKEN), for --server and /server.",
      valueName: "secret"))
  var token: String?

  @Option(name: .customLong("budget-step"), help: "Factor F2/F3 divide or multiply the budget by.")
  var budgetStep: Double = BudgetStepper.defaultFactor

  @Flag(help: "Line-mode REPL instead of the full-screen chat.")
  var plain = false

  @Flag(name: .customLong("no-color"), help: "No colors (as NO_COLOR).")
  var noColor = false

  @Option(name: .customLong("step-delay"), help: .hidden)
  var stepDelayMilliseconds: Double = 0

  @Option(name: .customLong("frame-stats"), help: .hidden)
  var frameStatistics: String?

  func validate() throws {
    guard maxTokens > 0 else { throw ValidationError("--max-tokens must be positive") }
    guard budgetStep > 1, budgetStep.isFinite else {
      throw ValidationError("--budget-step must be a number > 1, e.g. 3.16 (√10) or 2")
    }
    if let server {
      do {
        _ = try TailEndpoint(parsing: server)
      } catch {
        throw ValidationError("--server \(error)")
      }
    }
  }

  func run() throws {
    let environment = ProcessInfo.processInfo.environment
    let choice = ModelChoice.resolve(
      explicit: options.model, exists: FileManager.default.fileExists)
    let endpoint = try server.map { try TailEndpoint(parsing: $0) } ?? .inProcess
    let configuration = ChatConfiguration(
      modelPath: choice.path, modelNotice: choice.notice, split: options.split, codec: codec,
      sampling: sampling.parameters, maxTokens: maxTokens, system: system, endpoint: endpoint,
      budgetFactor: budgetStep, historyPath: Self.historyPath(environment),
      noColor: noColor || !(environment["NO_COLOR"] ?? "").isEmpty,
      stepDelay: stepDelayMilliseconds / 1000, frameStatisticsPath: frameStatistics)
    let terminal = isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0
    let lineMode = plain || !terminal
    let authToken = token ?? environment["SLICER_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    // Reconnect events are sentences on stderr in line mode; under curses stderr is the screen.
    let options = RemoteTailOptions(authToken: authToken) { event in
      if lineMode { Output.error("[\(event)]\n") }
    }
    let connector = Self.connector(options: options)

    if lineMode {
      let status = PlainChat(configuration: configuration, connector: connector).run()
      if status != 0 { throw ExitCode(status) }
      return
    }
    do {
      try ChatApp(configuration: configuration, connector: connector).run()
    } catch {
      throw CLIError("\(error)")
    }
  }

  /// `--server` and `/server`: a session on `slicer serve`, checked against this model's
  /// fingerprint (computed once, on first use: a short forward pass).
  static func connector(options: RemoteTailOptions) -> RemoteConnector {
    let fingerprints = FingerprintCache()
    return { host, port in
      let endpoint = ServerEndpoint(host: host, port: port)
      return { model, settings in
        try RemoteTail(
          endpoint: endpoint, model: model, fingerprint: fingerprints.fingerprint(of: model),
          split: settings.split, codec: settings.codec, sampling: settings.sampling,
          options: options)
      }
    }
  }

  /// `~/.slicer_history`; `SLICER_HISTORY` overrides it (empty: no history file).
  static func historyPath(_ environment: [String: String]) -> String? {
    if let path = environment["SLICER_HISTORY"] { return path.isEmpty ? nil : path }
    return (NSHomeDirectory() as NSString).appendingPathComponent(".slicer_history")
  }
}

/// The model's fingerprint, computed once for all the tails a chat opens.
private final class FingerprintCache: @unchecked Sendable {  // `cached` is guarded by `lock`
  private let lock = NSLock()
  private var cached: ModelFingerprint?

  func fingerprint(of model: any DecoderModel) -> ModelFingerprint {
    lock.lock()
    defer { lock.unlock() }
    if let cached { return cached }
    let computed = ModelFingerprint(model: model)
    cached = computed
    return computed
  }
}
