import Foundation
import SlicerTestSupport
import Testing

/// `slicer chat` over a pipe: the line-mode REPL, one stats line per answer.
@Suite(
  .enabled(
    if: FileManager.default.isExecutableFile(atPath: TmuxSession.binary.path),
    "needs the built slicer binary"))
struct PlainModeTests {
  static func chat(_ arguments: [String], input: String) throws -> SlicerBinary.Result {
    try SlicerBinary.run(["chat"] + arguments, input: input, environment: ["SLICER_HISTORY": ""])
  }

  /// The stats line with its timings blanked (they vary run to run).
  static func stable(_ line: Substring) -> String {
    String(line).replacing(
      try! Regex(#"[0-9.]+ tok/s, first token [0-9.]+ ms"#), with: "R tok/s, first token T ms")
  }

  @Test func answersAndOneStatsLinePerTurnOverAPipe() throws {
    let result = try Self.chat(
      ["--model", "Tests/Fixtures/tiny-opt", "--max-tokens", "5"],
      input: "Hello there\n/budget 0.01\nHello there\n/split 7\n/quit\nnot reached\n")
    #expect(result.status == 0)
    let stats = result.stdout.split(separator: "\n").filter { $0.hasPrefix("[") }.map(Self.stable)
    #expect(stats.count == 2)
    #expect(
      stats.first?.hasPrefix("[5 tokens, R tok/s, first token T ms, split 2/4, slicer:0.001 ")
        == true)
    #expect(stats.first?.hasSuffix(", context 7/128, length limit]") == true)
    #expect(
      stats.last?.hasPrefix("[5 tokens, R tok/s, first token T ms, split 2/4, slicer:0.01 ") == true
    )
    #expect(stats.last?.hasSuffix(", context 15/128, length limit]") == true)
    #expect(result.stderr.contains("Codec slicer:0.001 → slicer:0.01.\n"))
    #expect(result.stderr.contains("Split 7 is outside 0…4 (tiny-opt has 4 layers).\n"))
  }

  @Test func aFullContextIsANoteAndTheREPLGoesOn() throws {
    let long = String(repeating: "word ", count: 200)
    let result = try Self.chat(
      ["--model", "Tests/Fixtures/tiny-opt", "--max-tokens", "500"],
      input: "\(long)\nHello there\nmore\n/reset\nHello\n")
    #expect(result.status == 0)
    #expect(
      result.stderr.contains(
        "The context is full: the prompt is 202 tokens long, but the model's context holds 128. /reset starts a new conversation."
      ))
    let stats = result.stdout.split(separator: "\n").filter { $0.hasPrefix("[") }
    #expect(stats.count == 2)
    #expect(
      stats.first?.hasSuffix("context 128/128, context full: /reset starts a new conversation]")
        == true)
    // "more" no longer fits either: the same note, and the REPL goes on.
    #expect(result.stderr.components(separatedBy: "The context is full: ").count - 1 == 2)
    #expect(result.stderr.contains("New conversation."))
  }

  @Test func theTailRunsOnAServerAndComesBack() throws {
    let server = try SlicerBinary.Server(["--model", "Tests/Fixtures/tiny-opt", "--port", "0"])
    defer { server.stop() }
    let endpoint = "127.0.0.1:\(server.port)"
    let result = try Self.chat(
      ["--model", "Tests/Fixtures/tiny-opt", "--max-tokens", "4", "--server", endpoint],
      input: "Hello there\n/server local\nHello\n/server \(endpoint)\nAgain\n")
    #expect(result.status == 0)
    let stats = result.stdout.split(separator: "\n").filter { $0.hasPrefix("[") }
    #expect(stats.count == 3)
    #expect(stats.map { $0.contains(", tail \(endpoint), ") } == [true, false, true])
    #expect(result.stderr.contains("The tail runs in-process.\n"))
    #expect(result.stderr.contains("Connected to the tail at \(endpoint).\n"))
  }

  @Test func noModelIsAnErrorExit() throws {
    let result = try Self.chat(["--model", "/nonexistent/model"], input: "Hello\n")
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("Error: Cannot load the model at '/nonexistent/model': "))
    #expect(result.stdout.isEmpty)
  }
}

/// `slicer serve` in the background, on the port it picked.
