import Foundation
import SlicerTestSupport
import SlicerReplay
import Testing

/// `slicer replay` as a user runs it, on the tiny OPT fixture.
@Suite(.serialized)
struct ReplayCommandTests {
  static let model = ["--model", "Tests/Fixtures/tiny-opt", "--split", "2"]
  static let prompt = "/max-tokens 3\nWhat is the capital of France?\n\nAnd of Italy?\n"

  @Test func aMalformedPromptFileFailsWithItsLineAndColumn() throws {
    let scratch = try Scratch()
    let bad = try scratch.write("bad.prompt", "# budgets\nHello.\n/budget tight\n")
    let result = try SlicerBinary.run(["replay", bad] + Self.model)
    #expect(result.status == 1)
    #expect(
      result.stderr.contains(
        "\(bad):3:9: expected a distortion budget after /budget: a number ≥ 0 such as 1e-3, found 'tight'\n    /budget tight\n            ^"
      ), "\(result.stderr)")
    #expect(result.stdout.isEmpty)
  }

  @Test func aDirectiveTheModelCannotFollowFailsWithItsLine() throws {
    let scratch = try Scratch()
    let file = try scratch.write("deep.prompt", "/max-tokens 2\nHi.\n/split 9\nAgain.\n")
    let result = try SlicerBinary.run(["replay", file] + Self.model)
    #expect(result.status == 1)
    #expect(
      result.stderr.contains("\(file):3: split 9 is outside 0…4 (the model has 4 layers)"),
      "\(result.stderr)")
  }

  @Test func checkPassesThenPointsAtAChangedTokenThenUpdateAcceptsIt() throws {
    let scratch = try Scratch()
    let prompt = try scratch.write("capitals.prompt", Self.prompt)
    let golden = scratch.path("golden.md")
    let written = try SlicerBinary.run(["replay", prompt, "--transcript", golden] + Self.model)
    #expect(written.status == 0, "\(written.stderr)")

    let same = try SlicerBinary.run(["replay", prompt, "--check", golden] + Self.model)
    #expect(same.status == 0, "\(same.stderr)")
    #expect(same.stdout.contains("capitals.prompt") && same.stdout.contains("same"))

    // Change the first generated token of the first turn in the golden.
    let text = try scratch.read("golden.md")
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let index = try #require(lines.firstIndex { $0.hasPrefix("- ids: ") })
    let ids = lines[index].dropFirst("- ids: ".count).split(separator: " ")
    let changed =
      "- ids: "
      + ([String(Int(ids[0])! + 1)] + ids.dropFirst().map(String.init)).joined(separator: " ")
    let original = lines[index]
    lines[index] = changed
    try scratch.write("golden.md", lines.joined(separator: "\n"))

    let differs = try SlicerBinary.run(["replay", prompt, "--check", golden] + Self.model)
    #expect(differs.status == 1)
    let number = index + 1
    #expect(differs.stdout.contains("--- golden \(golden)\n+++ replay of \(prompt)\n"))
    #expect(differs.stdout.contains("- \(number)     \(changed)\n"), "\(differs.stdout)")
    #expect(differs.stdout.contains("+    \(number)  \(original)\n"), "\(differs.stdout)")
    // The caret sits under the first changed character: after the "+ NN NN  " margin.
    let column = zip(original, changed).prefix(while: { $0 == $1 }).count + 1
    #expect(column >= 8)
    let margin = 5 + 2 * String(number).count
    let caret =
      String(repeating: " ", count: margin + column - 1)
      + "^ first difference at column \(column)\n"
    #expect(differs.stdout.contains("\n" + caret), "\(differs.stdout)")
    #expect(differs.stdout.contains("DIFFERS (2 lines)"))
    #expect(differs.stderr.contains("1 of 1 transcripts differ from their goldens"))

    let updated = try SlicerBinary.run(
      ["replay", prompt, "--check", golden, "--update"] + Self.model)
    #expect(updated.status == 0, "\(updated.stderr)")
    #expect(updated.stdout.contains("updated (2 lines)"))
    let rewritten = try scratch.read("golden.md")
    #expect(GoldenCheck.compare(golden: rewritten, actual: text).isEmpty)
    #expect(!rewritten.contains(Transcript.runLinePrefix))
    let again = try SlicerBinary.run(["replay", prompt, "--check", golden] + Self.model)
    #expect(again.status == 0)
  }

  @Test func aMissingGoldenFailsUnlessUpdating() throws {
    let scratch = try Scratch()
    let prompt = try scratch.write("p.prompt", "/max-tokens 2\nHi.\n")
    let golden = scratch.path("goldens/p.md")
    let missing = try SlicerBinary.run(["replay", prompt, "--check", golden] + Self.model)
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("no golden transcript at \(golden) (create it with --update)"))
    let created = try SlicerBinary.run(
      ["replay", prompt, "--check", golden, "--update"] + Self.model)
    #expect(created.status == 0)
    #expect(created.stdout.contains("created"))
    #expect(try scratch.read("goldens/p.md").hasPrefix("# Replay of \(prompt)\n"))
  }

  @Test func severalFilesWriteOneTranscriptEachAndEndWithATable() throws {
    let scratch = try Scratch()
    let first = try scratch.write("first.prompt", "/max-tokens 2\nHi.\n")
    let second = try scratch.write("second.prompt", "/max-tokens 3\n/codec int8\nHello.\n")
    let result = try SlicerBinary.run(
      [
        "replay", first, second, "--transcript", scratch.path("out"), "--jsonl",
        scratch.path("out"),
      ]
        + Self.model)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try scratch.read("out/first.md").hasPrefix("# Replay of \(first)\n"))
    #expect(try scratch.read("out/second.md").contains("codec int8"))
    #expect(try scratch.read("out/first.jsonl").split(separator: "\n").count == 2)
    #expect(try scratch.read("out/second.jsonl").split(separator: "\n").count == 3)
    let table = result.stdout.split(separator: "\n")
    #expect(table.first?.hasPrefix("file ") == true)
    #expect(table.first?.hasSuffix(" tokens  bits/token") == true)
    #expect(table.count == 4)
    #expect(table.last?.hasPrefix("all 2 files") == true)
    #expect(table[2].hasSuffix("3       544.0"), "\(table)")
    #expect(result.stderr.contains("replay"))  // the progress bar's last line
  }

  @Test func withoutOutputsTheTranscriptGoesToStdout() throws {
    let scratch = try Scratch()
    let prompt = try scratch.write("p.prompt", "/max-tokens 2\nHi.\n")
    let result = try SlicerBinary.run(["replay", prompt] + Self.model)
    #expect(result.status == 0)
    #expect(result.stdout.hasPrefix("# Replay of \(prompt)\n"))
    #expect(result.stderr.contains("tokens  bits/token"))
  }

  @Test func throughAServerTheTranscriptsMatchTheInProcessGoldens() throws {
    let server = try SlicerBinary.Server(["--model", "Tests/Fixtures/tiny-opt", "--port", "0"])
    for codec in ["int8", "slicer:1e-3"] {
      let golden =
        "Tests/Fixtures/transcripts/golden/tiny-basics/split-2_"
        + (codec == "int8" ? "int8.md" : "slicer-0.001.md")
      let result = try SlicerBinary.run(
        [
          "replay", "Prompts/basics.prompt", "--codec", codec, "--server",
          "127.0.0.1:\(server.port)", "--check", golden,
        ] + Self.model)
      #expect(result.status == 0, "\(codec): \(result.stdout) \(result.stderr)")
      #expect(result.stdout.contains("same"), "\(codec)")
    }
  }

  @Test func serverDirectivesMoveTheTailAndChangeNothingElse() throws {
    let server = try SlicerBinary.Server(["--model", "Tests/Fixtures/tiny-opt", "--port", "0"])
    let scratch = try Scratch()
    let body = "/max-tokens 3\n/codec slicer:1e-3\nHi.\n# a\nAnd again.\n# b\nLast.\n"
    let plain = try scratch.write("plain.prompt", body)
    let moved = try scratch.write(
      "moved.prompt",
      body.replacingOccurrences(of: "# a", with: "/server 127.0.0.1:\(server.port)")
        .replacingOccurrences(of: "# b", with: "/server local"))
    for file in [plain, moved] {
      let result = try SlicerBinary.run(
        ["replay", file, "--transcript", file + ".md"] + Self.model)
      #expect(result.status == 0, "\(result.stderr)")
    }
    let before = try scratch.read("plain.prompt.md").replacingOccurrences(of: plain, with: "X")
    let after = try scratch.read("moved.prompt.md").replacingOccurrences(of: moved, with: "X")
    // Distortions may move in the 4th digit (the rebuilt KV cache, see `DistortionFigures`);
    // everything else must match exactly.
    let figuresBefore = DistortionFigures(before)
    let figuresAfter = DistortionFigures(after)
    #expect(figuresBefore.values.count == 7)  // (mean, max) per turn, the mean of the totals
    #expect(
      figuresBefore.agree(with: figuresAfter, relative: 1e-3),
      "\(figuresBefore.values) vs \(figuresAfter.values)")
    let changes = GoldenCheck.compare(golden: figuresBefore.text, actual: figuresAfter.text).changes
    #expect(
      changes.allSatisfy { $0.kind == .added && ($0.text.isEmpty || $0.text.hasPrefix("- line ")) })
    #expect(
      changes.map(\.text).filter { !$0.isEmpty } == [
        "- line 4: `/server 127.0.0.1:\(server.port)`", "- line 6: `/server local`",
      ])
    let tails = after.split(separator: "\n").filter {
      Transcript.isRunLine($0) && $0.contains("; tail ")
    }
    .map { $0.split(separator: ";").last.map(String.init) ?? "" }
    #expect(
      tails == [
        " tail in-process -->", " tail 127.0.0.1:\(server.port) -->", " tail in-process -->",
      ])
  }

  @Test func updateNeedsCheck() throws {
    let result = try SlicerBinary.run(["replay", "x.prompt", "--update"])
    #expect(result.status == 64)
    #expect(result.stderr.contains("--update rewrites the golden named by --check"))
  }
}
