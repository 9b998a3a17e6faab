import Foundation
import SlicerTestSupport
import Testing

/// The commands, run as a user runs them, on the tiny fixture model.
@Suite struct CommandTests {
  let model = Fixtures.url("tiny-opt").path
  let tokenizerDir = Fixtures.url("opt-tokenizer").path

  @Test func tokenizePrintsIdsWithBOS() throws {
    let result = try SlicerBinary.run(["tokenize", "--model", model, "--json", "Jack and jill"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == "[2, 20907, 8, 1236, 1873]\n")
  }

  @Test func tokenizeReproducesTheGreedyPrompt() throws {
    let reference = try TinyOPTGreedy.load()
    let result = try SlicerBinary.run(["tokenize", "--model", model, "--json", reference.promptText])
    #expect(result.stdout == "[" + reference.promptIDs.map(String.init).joined(separator: ", ") + "]\n")
  }

  @Test func generateJSONMatchesTransformersGreedy() throws {
    let reference = try TinyOPTGreedy.load()
    // The prompt is given as text; it must tokenize to the reference prompt ids.
    let result = try SlicerBinary.run([
      "generate", "--model", model, "--prompt", reference.promptText, "--max-tokens", "20",
      "--split", "2", "--json",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    #expect(object?["token_ids"] as? [Int] == reference.generatedIDs)
    #expect(object?["text"] is String)
  }

  @Test func perplexityJSONOnAShortText() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("ppl-\(UUID()).txt")
    try " = Valkyria Chronicles = \n\n The game began development in 2010 .\n".write(
      to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    let result = try SlicerBinary.run(["perplexity", "--model", model, "--text", file.path, "--json"])
    #expect(result.status == 0, "\(result.stderr)")
    let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    let ppl = try #require(object?["perplexity"] as? Double)
    #expect(ppl > 1 && ppl.isFinite)
    #expect((object?["tokens"] as? Int ?? 0) > 5)
  }

  @Test func evalWritesRowsAndAChartThatCanBeRedrawnFromThem() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("eval-\(UUID())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let text = dir.appendingPathComponent("text.txt")
    try String(repeating: " = Valkyria Chronicles = \n\n The game began development in 2010 .\n", count: 8)
      .write(to: text, atomically: true, encoding: .utf8)
    let json = dir.appendingPathComponent("rd.json").path
    let plot = dir.appendingPathComponent("rd.svg").path
    let result = try SlicerBinary.run([
      "eval", "--model", model, "--text", text.path, "--split", "1,2", "--ctx", "32",
      "--max-windows", "2", "--codecs", "fp16,slicer:1e-3,slicer:1e-2,slicer:0.01:m=mse",
      "--json", json, "--plot", plot,
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let rows = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json)))
    #expect((rows as? [[String: Any]])?.map { $0["codec"] as? String } == [
      "none", "fp16", "slicer:0.001", "slicer:0.01", "slicer:0.01:m=mse",
      "none", "fp16", "slicer:0.001", "slicer:0.01", "slicer:0.01:m=mse",
    ])
    let svg = try String(contentsOfFile: plot, encoding: .utf8)
    // One panel per split; every codec but none is a marker with a tooltip; the two relative
    // SLICER budgets are one line per panel; the legend names the families.
    #expect(svg.components(separatedBy: ">split ").count - 1 == 2)
    #expect(svg.components(separatedBy: "<title>").count - 1 == 8)
    #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
    #expect(svg.contains(">slicer (relative budgets)</text>"))
    #expect(svg.contains(">slicer m=mse (MSE budgets)</text>"))
    #expect(svg.contains("<title>slicer:0.01:m=mse at split 2: "))

    let redrawn = dir.appendingPathComponent("again.svg").path
    let again = try SlicerBinary.run(["eval", "--from-json", json, "--plot", redrawn])
    #expect(again.status == 0, "\(again.stderr)")
    let svg2 = try String(contentsOfFile: redrawn, encoding: .utf8)
    #expect(svg2.components(separatedBy: "<title>") .dropFirst().map { $0.prefix(60) }
      == svg.components(separatedBy: "<title>").dropFirst().map { $0.prefix(60) })
    let bad = try SlicerBinary.run(["eval", "--from-json", text.path, "--plot", redrawn])
    #expect(bad.status != 0)
    #expect(bad.stderr.contains("is not the JSON `slicer eval --json` writes"))
  }

  /// A model directory in a temp folder: the tiny model's files, with `edit` applied.
  func brokenModel(_ edit: (URL) throws -> Void) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("broken-\(UUID())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    for file in ["config.json", "model.safetensors", "vocab.json", "merges.txt"] {
      try FileManager.default.copyItem(
        at: Fixtures.url("tiny-opt/\(file)").resolvingSymlinksInPath(),
        to: dir.appendingPathComponent(file))
    }
    try edit(dir)
    return dir
  }

  @Test func brokenModelFilesAreClearErrors() throws {
    let unknownType = try brokenModel { dir in
      try Data(#"{"model_type": "gpt_neox", "hidden_size": 64}"#.utf8)
        .write(to: dir.appendingPathComponent("config.json"))
    }
    let truncated = try brokenModel { dir in
      let url = dir.appendingPathComponent("model.safetensors")
      let data = try Data(contentsOf: url)
      try data.prefix(data.count / 2).write(to: url)
    }
    let noWeights = try brokenModel { dir in
      try FileManager.default.removeItem(at: dir.appendingPathComponent("model.safetensors"))
    }
    defer {
      for dir in [unknownType, truncated, noWeights] { try? FileManager.default.removeItem(at: dir) }
    }
    let cases: [(URL, String)] = [
      (unknownType, "gpt_neox"), (truncated, "model.safetensors"), (noWeights, "pytorch_model.bin"),
    ]
    for (dir, needle) in cases {
      let result = try SlicerBinary.run(["generate", "--model", dir.path, "--prompt", "hi"])
      #expect(result.status == 1, "\(dir.lastPathComponent): status \(result.status)")
      #expect(result.stderr.contains(needle), "\(result.stderr)")
      #expect(result.stderr.split(separator: "\n").count <= 2, "one clear line: \(result.stderr)")
    }
  }

  @Test func badInputsAreClearErrorsNotTraps() throws {
    let cases: [([String], String)] = [
      (["generate", "--model", model, "--prompt", "hi", "--split", "9"], "outside 0…4"),
      (["generate", "--model", "/nonexistent/model", "--prompt", "hi"], "/nonexistent/model"),
      (["tokenize", "--model", tokenizerDir, "hi"], "config.json"),
      (["generate", "--model", model, "--prompt", String(repeating: "word ", count: 200)], "context"),
    ]
    for (arguments, needle) in cases {
      let result = try SlicerBinary.run(arguments)
      #expect(result.status != 0 && result.status < 128, "\(arguments): status \(result.status)")
      #expect(result.stderr.contains(needle), "\(arguments): \(result.stderr)")
    }
  }
}

/// The greedy continuation transformers produced for the tiny model.
struct TinyOPTGreedy {
  var promptIDs: [Int]
  var generatedIDs: [Int]
  var promptText: String

  static func load() throws -> TinyOPTGreedy {
    let data = try Data(contentsOf: Fixtures.url("tiny-opt/reference.json"))
    let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
    let greedy = object["greedy"] as! [String: Any]
    // The decoded prompt ids; `tokenizeReproducesTheGreedyPrompt` checks it encodes back to them.
    return TinyOPTGreedy(
      promptIDs: greedy["prompt_ids"] as! [Int], generatedIDs: greedy["generated_ids"] as! [Int],
      promptText: " overpoweredaucus sar devoted 310")
  }
}
