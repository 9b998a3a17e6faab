import SlicerCodec
import SlicerModel
import SlicerReplay
import Synchronization
import Testing

/// Replays on the tiny OPT fixture (random weights: its text is gibberish, but deterministic).
struct ReplayRunnerTests {
  let loaded: LoadedModel

  init() throws { loaded = try TestModels.tiny() }

  func replay(
    _ text: String, split: Int = 2, codec: CodecSpec = .none,
    tail: @escaping TailFactory = ChatSession.localTail,
    remoteTail: ReplayRunner.RemoteTail? = nil
  ) throws -> ReplayResult {
    let runner = ReplayRunner(
      loaded: loaded, start: ChatSettings(split: split, codec: codec, maxTokens: 32), tail: tail,
      remoteTail: remoteTail)
    return try runner.run(try PromptFile(parsing: text, path: "test.prompt"))
  }

  static let conversation = """
    /max-tokens 6
    What is the capital of France?

    And of Italy?
    """

  @Test func replayingTwiceGivesTheSameTranscriptTimingsAside() throws {
    let text = "/temp 0.9\n/seed 3\n" + Self.conversation
    let first = Transcript.render(try replay(text, codec: .slicer(budget: 1e-3)))
    let second = Transcript.render(try replay(text, codec: .slicer(budget: 1e-3)))
    #expect(GoldenCheck.compare(golden: first, actual: second).isEmpty)
    let strip = { (text: String) in
      text.split(separator: "\n").filter { !Transcript.isRunLine($0) }
    }
    #expect(strip(first) == strip(second))
    // Run lines: the header's, one per turn, the totals'.
    #expect(strip(first).count == first.split(separator: "\n").count - 4)
  }

  @Test func aTailBehindAByteBoundaryGivesTheSameTranscript() throws {
    for codec in [CodecSpec.none, .int8, .slicer(budget: 1e-3)] {
      let local = try replay(Self.conversation, codec: codec)
      let relayed = try replay(Self.conversation, codec: codec, tail: RelayTail.factory())
      #expect(relayed.turns.map(\.endpoint) == ["relay:7070", "relay:7070"])
      #expect(local.turns.map(\.endpoint) == ["in-process", "in-process"])
      let diff = GoldenCheck.compare(
        golden: Transcript.render(local), actual: Transcript.render(relayed))
      #expect(diff.isEmpty, "\(codec): \(diff.render(goldenName: "local", actualName: "relay"))")
    }
  }

  @Test func positionsAreThePromptThenOnePerFurtherToken() throws {
    let result = try replay(Self.conversation)
    let turns = result.turns
    try #require(turns.count == 2)
    let first = loaded.encode("What is the capital of France?").count
    // The second turn feeds the first answer's last token, then "\nAnd of Italy?".
    let second = 1 + loaded.tokenizer.encode("\nAnd of Italy?").count
    #expect(turns[0].tokens.count == 6)
    #expect(turns[0].link.positions == first + 5)
    #expect(turns[1].link.positions == second + 5)
    #expect(turns[0].steps.first?.positions == first)
    #expect(result.totals.positions == first + second + 10)
  }

  @Test func baselineCodecsCostTheirExactBits() throws {
    // d = 64: none is what fp32 would cost, fp16 two bytes an entry, int8 a byte an entry plus
    // an fp32 scale.
    let expected: [(CodecSpec, Double, String)] = [
      (.none, 2048, "32-bit"), (.fp16, 1024, "16-bit"), (.int8, 544, "8-bit"),
    ]
    for (codec, bits, width) in expected {
      let result = try replay(Self.conversation, codec: codec)
      #expect(result.totals.bitsPerToken == bits, "\(codec)")
      #expect(
        result.totals.histogram.description == "\(width) \(64 * result.totals.positions)",
        "\(codec)")
    }
  }

  @Test func noCodecGivesTheSameTokensAtEverySplit() throws {
    let tokens = try [0, 2, 4].map { split in
      try replay(Self.conversation, split: split).turns.map(\.tokens)
    }
    #expect(tokens[0] == tokens[1])
    #expect(tokens[1] == tokens[2])
  }

  @Test func aLooserBudgetRecordsFewerBitsAndTheRestStillRuns() throws {
    let tight = Transcript.render(try replay("/budget 1e-4\n" + Self.conversation))
    let loose = Transcript.render(try replay("/budget 1e-1\n" + Self.conversation))
    #expect(TranscriptSummary(parsing: loose)!.bits < TranscriptSummary(parsing: tight)!.bits)
    let diff = GoldenCheck.compare(golden: tight, actual: loose, context: 0)
    // Lines by kind: a list item's label, or ">" for the quoted text of a turn.
    let changed = Set(
      diff.changes.map { $0.text.hasPrefix(">") ? ">" : $0.text.prefix(while: { $0 != ":" }) })
    #expect(changed.contains("- line 1"))
    #expect(changed.contains("- link"))
    #expect(changed.contains("- totals"))
    // Nothing outside the directive, settings, link figures, and what the tokens say changes.
    let allowed: Set<Substring> = [
      "- line 1", "- settings", "- link", "- bits/token by part", "- kept entries/token",
      "- bitwidths (entries)", "- totals", "- ids", ">",
    ]
    #expect(changed.subtracting(allowed).isEmpty, "\(changed)")
  }

  @Test func directivesApplyFromTheNextTurn() throws {
    let result = try replay(
      """
      /max-tokens 3
      One.
      /split 3
      /codec int8
      Two.
      /max-tokens 2
      /budget 0.01
      Three.
      /reset
      /codec slicer:0.02:g=4
      /budget 0.05
      Four.
      """)
    let turns = result.turns
    try #require(turns.count == 4)
    #expect(turns.map(\.tokens.count) == [3, 3, 2, 2])
    #expect(turns.map(\.settings.split) == [2, 3, 3, 3])
    #expect(
      turns.map(\.settings.codec) == [
        .none, .int8, .slicer(budget: 0.01), .slicer(budget: 0.05, maxGroups: 4),
      ])
    #expect(turns.map(\.conversation) == [1, 1, 1, 2])
    #expect(turns[1].steps.allSatisfy { $0.link.allSatisfy { $0.mode == "int8" } })
  }

  @Test func aConversationsSamplerStartsFromItsSeed() throws {
    let result = try replay(
      """
      /temp 1.0
      /seed 11
      /max-tokens 8
      Tell me a story.
      /reset
      Tell me a story.
      /reset
      /seed 12
      Tell me a story.
      """)
    let tokens = result.turns.map(\.tokens)
    #expect(tokens[0] == tokens[1])
    #expect(tokens[0] != tokens[2])
  }

  @Test func theServerDirectiveSwitchesTailsMidConversation() throws {
    let asked = Mutex<[String]>([])
    let remote: ReplayRunner.RemoteTail = { host, port in
      asked.withLock { $0.append("\(host):\(port)") }
      return RelayTail.factory(endpoint: "\(host):\(port)")
    }
    let plain = try replay(Self.conversation + "\n\nAnd of Spain?")
    let switched = try replay(
      """
      /max-tokens 6
      What is the capital of France?
      /server 10.0.0.7:7070
      And of Italy?
      /server local
      And of Spain?
      """, remoteTail: remote)
    #expect(asked.withLock { $0 } == ["10.0.0.7:7070"])
    #expect(switched.turns.map(\.endpoint) == ["in-process", "10.0.0.7:7070", "in-process"])
    #expect(switched.turns.map(\.tokens) == plain.turns.map(\.tokens))
  }

  @Test func errorsNameTheFileAndLine() throws {
    func failure(_ text: String) -> ReplayError? {
      do {
        _ = try replay(text)
        return nil
      } catch {
        return error as? ReplayError
      }
    }
    let split = failure("Hi.\n\n/split 9\nAgain.\n")
    #expect(
      split
        == ReplayError(
          file: "test.prompt", line: 3, reason: .splitOutOfRange(split: 9, layerCount: 4)))
    #expect(split?.description == "test.prompt:3: split 9 is outside 0…4 (the model has 4 layers)")

    let server = failure("/server example.org:7070\nHi.\n")
    #expect(
      server
        == ReplayError(
          file: "test.prompt", line: 1, reason: .noServerSupport(target: "example.org:7070")))

    // The tiny model holds 128 positions.
    let long = String(repeating: "word ", count: 60)
    let tooLong = failure("/max-tokens 4\nHi.\n\n\(long)\n\n\(long)\n")
    guard case .promptTooLong(let tokens, let limit)? = tooLong?.reason else {
      Issue.record("expected promptTooLong, got \(String(describing: tooLong))")
      return
    }
    #expect(tooLong?.line == 6)
    #expect(limit == 128)
    #expect(tokens > 128)
  }
}
