import ArgumentParser
import Foundation
import SlicerCodec
import SlicerModel
import SlicerReplay
import SlicerServer
import SlicerWire

/// `slicer replay FILE...`: prompt files through the chat engine, as transcripts, JSON lines and
/// golden checks.
struct ReplayCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "replay",
    abstract: "Replay prompt files through the split model; record or check transcripts.",
    discussion: """
      A prompt file holds user turns and directives between them (/budget, /split, /codec, \
      /server, /seed, /temp, /max-tokens, /system, /reset); Prompts/README.md describes the \
      format. --model, --split, --codec, --max-tokens and the sampling options set where each \
      file starts; its directives change that as it goes. With --server HOST:PORT the tails run \
      on `slicer serve`; the transcripts are the same as in-process ones (only the timing lines \
      say where the tail ran). Replays are deterministic: the same \
      file, model and settings give the same transcript, timings aside.

      With several files, --transcript, --jsonl and --check name directories holding one \
      <name>.md / <name>.jsonl per prompt file (<name>: the file's name without extension). \
      Without --transcript and --check the transcripts go to stdout and the summary table to \
      stderr; otherwise stdout gets the diffs and the summary table. --check exits with status \
      1 when a transcript differs from its golden (timing lines aside) or the golden is missing.
      """)

  @Argument(help: "Prompt files.")
  var files: [String]

  @OptionGroup var options: ModelOptions
  @OptionGroup var sampling: SamplingOptions
  @OptionGroup var link: LinkOptions

  @Option(name: .customLong("max-tokens"), help: "Most tokens per answer, until a /max-tokens.")
  var maxTokens: Int = 32

  @Option(help: ArgumentHelp("Write the transcript here (markdown).", valueName: "out.md"))
  var transcript: String?

  @Option(
    help: ArgumentHelp("Write one JSON line per generated token here.", valueName: "out.jsonl"))
  var jsonl: String?

  @Option(help: ArgumentHelp("Compare with this golden transcript.", valueName: "golden"))
  var check: String?

  @Flag(
    help:
      "With --check: write the new transcript, timing lines left out, over the golden (or create it)."
  )
  var update = false

  func validate() throws {
    guard !files.isEmpty else { throw ValidationError("give at least one prompt file") }
    guard maxTokens > 0 else { throw ValidationError("--max-tokens must be positive") }
    if update, check == nil {
      throw ValidationError("--update rewrites the golden named by --check; add --check GOLDEN")
    }
    if files.count > 1 {
      let stems = files.map(Self.stem)
      if let duplicate = stems.first(where: { stem in stems.count { $0 == stem } > 1 }) {
        throw ValidationError(
          "several prompt files are named '\(duplicate)'; their transcripts would overwrite each other"
        )
      }
    }
  }

  func run() throws {
    var prompts: [PromptFile] = []
    var problems: [String] = []
    for file in files {
      do {
        prompts.append(try PromptFile.load(file))
      } catch {
        problems.append(error.description)
      }
    }
    guard problems.isEmpty else {
      throw CLIError(problems.joined(separator: "\n"))
    }
    let loaded = try options.load()
    let start = ChatSettings(
      split: try options.resolvedSplit(for: loaded.info), codec: link.codec,
      sampling: sampling.parameters, maxTokens: maxTokens)
    // `--server HOST:PORT` puts every conversation's tail on `slicer serve`; a `/server`
    // directive connects to the server it names.
    let meter = WireMeter()
    let fingerprint = ModelFingerprint(model: loaded.model)
    let runner = ReplayRunner(
      loaded: loaded, start: start, tail: link.tailFactory(for: loaded, meter: meter),
      remoteTail: { host, port in
        RemoteTail.factory(
          endpoint: ServerEndpoint(host: host, port: port), fingerprint: fingerprint,
          options: link.remoteOptions(meter: meter))
      })

    let toStdout = transcript == nil && check == nil
    let report: (String) -> Void = { text in toStdout ? Output.error(text) : Output.write(text) }
    let totalTurns = prompts.reduce(0) { $0 + $1.turns.count }
    let bar = ProgressBar(label: "replay", total: totalTurns)
    var turnsDone = 0
    var rows: [ReplaySummaryRow] = []
    for prompt in prompts {
      let result: ReplayResult
      do {
        result = try runner.run(prompt) { event in
          switch event {
          case .turnStarted(let number, _):
            bar.update(turnsDone, detail: "\(prompt.path) turn \(number)")
          case .step(let number, _, _):
            bar.update(turnsDone, detail: "\(prompt.path) turn \(number)")
          case .turnFinished:
            turnsDone += 1
            bar.update(turnsDone, detail: prompt.path)
          }
        }
      } catch {
        if bar.isTerminal { Output.error("\n") }
        throw CLIError(error.description)
      }
      let text = Transcript.render(result)
      if let transcript {
        try write(text, to: destination(transcript, for: prompt.path, extension: "md"))
      } else if toStdout {
        // A bar still being drawn on a terminal is cleared first (the last one ends its line).
        if bar.isTerminal, turnsDone < totalTurns { Output.error("\r\u{1B}[K") }
        Output.write(text)
      }
      if let jsonl {
        try write(
          try TokenRecord.jsonLines(TokenRecord.records(result)),
          to: destination(jsonl, for: prompt.path, extension: "jsonl"))
      }
      var row = ReplaySummaryRow(file: prompt.path, summary: TranscriptSummary(result))
      if let check {
        let golden = destination(check, for: prompt.path, extension: "md")
        row.check = try compare(text, golden: golden, file: prompt.path, report: report)
      }
      rows.append(row)
    }
    report(ReplaySummaryRow.table(rows))
    let failures = rows.filter { $0.check?.isFailure ?? false }
    if !failures.isEmpty {
      Output.error(
        "\(failures.count) of \(rows.count) transcripts differ from their goldens; "
          + "rerun with --update to accept the new ones\n")
      throw ExitCode.failure
    }
  }

  /// Checks `text` against the golden at `path`, printing the diff; with --update, rewrites it.
  private func compare(
    _ text: String, golden path: String, file: String, report: (String) -> Void
  ) throws -> ReplaySummaryRow.Check {
    guard FileManager.default.fileExists(atPath: path) else {
      if update {
        try write(Transcript.withoutRunLines(text), to: path)
        return .created
      }
      Output.error("\(file): no golden transcript at \(path) (create it with --update)\n")
      return .missing
    }
    guard let data = FileManager.default.contents(atPath: path),
      let golden = String(data: data, encoding: .utf8)
    else { throw CLIError("cannot read the golden transcript \(path) as UTF-8 text") }
    let previous = TranscriptSummary(parsing: golden)
    let diff = GoldenCheck.compare(golden: golden, actual: text)
    guard !diff.isEmpty else { return .same(previous) }
    report(diff.render(goldenName: path, actualName: file))
    if update {
      try write(Transcript.withoutRunLines(text), to: path)
      return .updated(previous, lines: diff.changes.count)
    }
    return .differs(previous, lines: diff.changes.count)
  }

  /// `option` itself for one prompt file, else `option/<stem>.<extension>`; an existing
  /// directory or a trailing slash also means a directory.
  private func destination(_ option: String, for file: String, extension ext: String) -> String {
    var isDirectory: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: option, isDirectory: &isDirectory)
    guard files.count > 1 || option.hasSuffix("/") || (exists && isDirectory.boolValue) else {
      return option
    }
    return URL(fileURLWithPath: option).appendingPathComponent("\(Self.stem(file)).\(ext)").path
  }

  private func write(_ text: String, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    do {
      try FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(text.utf8).write(to: url, options: .atomic)
    } catch {
      throw CLIError("cannot write \(path): \(error.localizedDescription)")
    }
  }

  /// A prompt file's name without directory and extension.
  static func stem(_ path: String) -> String {
    URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
  }
}
