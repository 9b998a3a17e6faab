import ArgumentParser
import Foundation
import SlicerCodec
import SlicerModel
import SlicerServer
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
      --codecs fp16,int8,topk:0.25:4,slicer:1e-3,slicer:1e-2,slicer:0.3:m=mse --json rd.json \
      --plot rd.svg  (m=mse: the budget is a mean squared error, whose scale depends on the \
      model and split.)
      With --server the codecs' windows are scored by a `slicer serve` tail (SCORE with the \
      distributions, fp16 on the wire); the uncompressed reference stays in this process. \
      Bits/token and top-1 are the same as in-process, perplexity matches to ~1e-7 and KL to \
      1e-4 of its value: the none row's KL is the floor fp16 rounding adds, and it is \
      subtracted from the other rows position by position.
      """)

  @Option(help: "Model directory or .gguf (default: as for generate).")
  var model: String?

  @Option(help: "Text file, e.g. wiki.test.raw.")
  var text: String?

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

  @Option(
    name: .customLong("from-json"),
    help: "Redraw --plot from the rows an earlier --json wrote, without running the model.")
  var fromJSON: String?

  @OptionGroup var remote: ServerOptions

  func run() throws {
    if let fromJSON { return try redraw(fromJSON) }
    guard let text else { throw CLIError("--text is required (the text to score, e.g. wiki.test.raw)") }
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
    try remote.checkSessions(for: loaded, splits: splits)
    let context = min(ctx, loaded.info.contextLength)
    let ids = loaded.encode(WikiText.joinRows(raw))
    var rows: [RateDistortionRow] = []
    let meter = WireMeter()
    for s in splits {
      let evaluator = RateDistortionEvaluator(model: loaded.model, split: s, contextLength: context)
      let transport = try remote.remoteTransport(for: loaded, split: s, meter: meter)
      var bar: ProgressBar?
      let splitRows = try evaluator.evaluate(
        ids, codecs: specs, maxWindows: maxWindows, transport: transport
      ) { done, all in
        if bar == nil { bar = ProgressBar(label: "eval split \(s)", total: all) }
        bar?.update(done)
      }
      (transport as? RemoteTail)?.close()
      rows += splitRows
      print(RateDistortionTable.render(splitRows, model: loaded.info, context: context))
    }
    if let wire = remote.wireTotals(meter) { print(wire) }
    if let json {
      let data = Data((try JSONOutput.string(rows, pretty: true) + "\n").utf8)
      try data.write(to: URL(fileURLWithPath: json))
    }
    if let plot {
      let svg = RateDistortionPlot.svg(rows, title: "\(loaded.info.name): bits/token vs Δperplexity")
      try Data(svg.utf8).write(to: URL(fileURLWithPath: plot))
    }
  }

  private func redraw(_ file: String) throws {
    guard let plot else { throw CLIError("--from-json redraws a chart: give --plot FILE.svg too") }
    guard let data = FileManager.default.contents(atPath: file) else {
      throw CLIError("cannot read '\(file)'")
    }
    let rows: [RateDistortionRow]
    do {
      rows = try JSONDecoder().decode([RateDistortionRow].self, from: data)
    } catch {
      throw CLIError("'\(file)' is not the JSON `slicer eval --json` writes: \(error)")
    }
    let name = URL(fileURLWithPath: file).lastPathComponent
    let svg = RateDistortionPlot.svg(rows, title: "bits/token vs Δperplexity (\(name))")
    try Data(svg.utf8).write(to: URL(fileURLWithPath: plot))
  }
}

/// The table `eval` prints.
enum RateDistortionTable {
  static func render(_ rows: [RateDistortionRow], model: ModelInfo, context: Int) -> String {
    let header = ["codec", "bits/token", "×fp16", "perplexity", "Δppl %", "top-1", "KL nats", "distortion", "neutral"]
    var table = [header]
    for row in rows {
      table.append([
        row.codec, String(format: "%.1f", row.bitsPerToken),
        row.ratioVsFP16 > 0 ? String(format: "%.2f", row.ratioVsFP16) : "—",
        String(format: "%.4f", row.perplexity), String(format: "%+.2f", row.deltaPerplexityPercent),
        String(format: "%.4f", row.top1Agreement), String(format: "%.5f", row.kl),
        String(format: "%.2e", row.distortion), row.isQualityNeutral ? "✓" : "",
      ])
    }
    let widths = header.indices.map { c in table.map { $0[c].count }.max() ?? 0 }
    let lines = table.map { cells in
      cells.enumerated().map { c, cell in
        let pad = String(repeating: " ", count: widths[c] - cell.count)
        return c == 0 ? cell + pad : pad + cell  // codec left-aligned, numbers right-aligned
      }.joined(separator: "  ")
    }
    let title =
      "split \(rows.first?.split ?? 0)/\(model.layerCount) of \(model.name), d=\(model.hiddenSize), "
      + "\(rows.first?.tokens ?? 0) tokens scored (windows of \(context)); fp16 = \(16 * model.hiddenSize) bits/token"
    return ([title] + lines).joined(separator: "\n") + "\n"
  }
}
