import ArgumentParser
import Foundation
import SlicerModel
import SlicerTokenizer

struct PerplexityCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "perplexity",
    abstract: "Perplexity of a text file through the split model (the WikiText-2 recipe).",
    discussion: """
      File lines are rows (a blank line is an empty row), rows are joined with "\\n\\n", one BOS \
      is prepended, and the ids are cut into non-overlapping windows of --ctx tokens, each scored \
      on positions 1… .
      """)

  @OptionGroup var options: ModelOptions
  @OptionGroup var link: LinkOptions

  @Option(help: "Text file, e.g. wiki.test.raw.")
  var text: String

  @Option(help: "Window length in tokens (default 2048, capped at the model's context).")
  var ctx: Int?

  @Option(name: .customLong("max-windows"), help: "Score at most N windows.")
  var maxWindows: Int?

  @Flag(help: "Print one JSON object (perplexity, tokens, …).")
  var json = false

  func validate() throws {
    if let ctx, ctx < 2 { throw ValidationError("--ctx must be at least 2") }
    if let maxWindows, maxWindows < 1 { throw ValidationError("--max-windows must be positive") }
  }

  func run() throws {
    guard let raw = try? String(contentsOfFile: text, encoding: .utf8) else {
      throw CLIError("cannot read '\(text)' as UTF-8 text")
    }
    let loaded = try options.load()
    let split = try options.resolvedSplit(for: loaded.info)
    let context = min(ctx ?? 2048, loaded.info.contextLength)
    let ids = loaded.encode(WikiText.joinRows(raw))
    let evaluator = PerplexityEvaluator(
      model: loaded.model, split: split, contextLength: context, codec: link.codec)
    let windows = evaluator.windows(of: ids, maxWindows: maxWindows).count
    guard windows > 0 else { throw CLIError("'\(text)' has fewer than 2 tokens") }
    let bar = ProgressBar(label: "perplexity", total: windows)
    bar.update(0)
    let result = try evaluator.evaluate(
      ids, maxWindows: maxWindows, transport: link.remoteTransport(for: loaded, split: split),
      progress: { done, _ in bar.update(done) })
    if json {
      let row = PerplexityRow(
        perplexity: result.perplexity, meanNLL: result.meanNLL, tokens: result.tokens,
        windows: result.windows, ctx: context, split: split, model: loaded.info.name,
        codec: link.codec.description, bitsPerToken: result.bitsPerToken,
        distortion: result.distortion)
      print(try JSONOutput.string(row))
    } else {
      print(
        String(
          format: "perplexity %.4f  (mean NLL %.5f over %d tokens, %d windows of %d, split %d/%d, codec %@, %.0f bits/token)",
          result.perplexity, result.meanNLL, result.tokens, result.windows, context, split,
          loaded.info.layerCount, link.codec.description, result.bitsPerToken))
    }
  }
}

struct PerplexityRow: Encodable {
  var perplexity: Double
  var meanNLL: Double
  var tokens: Int
  var windows: Int
  var ctx: Int
  var split: Int
  var model: String
  var codec: String
  var bitsPerToken: Double
  var distortion: Double

  enum CodingKeys: String, CodingKey {
    case perplexity, tokens, windows, ctx, split, model, codec, distortion
    case bitsPerToken = "bits_per_token"
    case meanNLL = "mean_nll"
  }
}
