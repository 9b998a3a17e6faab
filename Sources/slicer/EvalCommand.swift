import ArgumentParser
import Foundation
import SlicerCodec
import SlicerModel
import SlicerTokenizer

struct EvalCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eval",
    abstract: "Rate–distortion table: bits/token against perplexity, KL and top-1 agreement.",
    discussion: """
      Every codec runs on the same windows of the text (the perplexity recipe) at each split and \
      is compared position by position with the uncompressed model. A setting is quality-neutral \
      (✓) when perplexity rises ≤ 1 % and the mean KL is ≤ 0.01 nats/token.
      Example: slicer eval --text wiki.test.raw --split 8,15,23 --ctx 512 --max-windows 8 \
      --codecs fp16,int8,topk:0.25:4,slicer:1e-3,slicer:1e-2 --json rd.json --plot rd.svg
      """)

  @Option(help: "Model directory or .gguf (default: as for generate).")
  var model: String?

  @Option(help: "Text file, e.g. wiki.test.raw.")
  var text: String

  @Option(help: "Split layer(s), comma-separated (default: half the depth).")
  var split: String?

  @Option(help: "Codecs to compare, comma-separated (none is always included as the reference).")
  var codecs: String = "fp16,bf16,int8,topk:0.25:4,slicer:1e-4,slicer:1e-3,slicer:1e-2"

  @Option(help: "Window length in tokens (default 512, capped at the model's context).")
  var ctx: Int = 512

  @Option(name: .customLong("max-windows"), help: "Windows to score (default 8).")
  var maxWindows: Int = 8

  @Option(help: "Write the rows as a JSON array to this file.")
  var json: String?

  @Option(help: "Write a bits/token vs Δperplexity chart (SVG) to this file.")
  var plot: String?

  func run() throws {
    let specs: [CodecSpec]
    do {
      specs = try codecs.split(separator: ",").map { try CodecSpec(parsing: String($0)) }
    } catch {
      throw CLIError("--codecs: \(error)")
    }
    guard let raw = try? String(contentsOfFile: text, encoding: .utf8) else {
      throw CLIError("cannot read '\(text)' as UTF-8 text")
    }
    let loaded = try ModelOptions.parse(model.map { ["--model", $0] } ?? []).load()
    let layers = loaded.info.layerCount
    let splits = try (split ?? "\(layers / 2)").split(separator: ",").map { item -> Int in
      guard let s = Int(item.trimmingCharacters(in: .whitespaces)), (0...layers).contains(s) else {
        throw CLIError("--split '\(item)' is not a layer in 0…\(layers)")
      }
      return s
    }
    let context = min(ctx, loaded.info.contextLength)
    let ids = loaded.encode(WikiText.joinRows(raw))
    var rows: [RateDistortionRow] = []
    for s in splits {
      let evaluator = RateDistortionEvaluator(model: loaded.model, split: s, contextLength: context)
      let bar = ProgressBar(label: "eval split \(s)", total: 1)
      var total = 1
      let splitRows = try evaluator.evaluate(ids, codecs: specs, maxWindows: maxWindows) { done, all in
        total = all
        ProgressBar(label: "eval split \(s)", total: total).update(done)
      }
      _ = bar
      rows += splitRows
      print(RateDistortionTable.render(splitRows, model: loaded.info, context: context))
    }
    if let json {
      let data = Data((try JSONOutput.string(rows, pretty: true) + "\n").utf8)
      try data.write(to: URL(fileURLWithPath: json))
    }
    if let plot {
      let svg = RateDistortionPlot.svg(rows, title: "\(loaded.info.name): bits/token vs Δperplexity")
      try Data(svg.utf8).write(to: URL(fileURLWithPath: plot))
    }
  }
}

/// The table `eval` prints.
enum RateDistortionTable {
  static func render(_ rows: [RateDistortionRow], model: ModelInfo, context: Int) -> String {
    var lines = [
      "split \(rows.first?.split ?? 0)/\(model.layerCount) of \(model.name), d=\(model.hiddenSize), \(rows.first?.tokens ?? 0) tokens (windows of \(context)); fp16 = \(16 * model.hiddenSize) bits/token",
      String(format: "%-16@ %10@ %8@ %11@ %8@ %7@ %9@ %10@ %@", "codec" as NSString, "bits/token" as NSString, "×fp16" as NSString, "perplexity" as NSString, "Δppl %" as NSString, "top-1" as NSString, "KL nats" as NSString, "distortion" as NSString, "neutral" as NSString),
    ]
    for row in rows {
      lines.append(
        String(
          format: "%-16@ %10.1f %8.2f %11.4f %+8.2f %7.4f %9.5f %10.2e %@", row.codec as NSString,
          row.bitsPerToken, row.ratioVsFP16, row.perplexity, row.deltaPerplexityPercent,
          row.top1Agreement, row.kl, row.distortion, (row.isQualityNeutral ? "✓" : "") as NSString))
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
