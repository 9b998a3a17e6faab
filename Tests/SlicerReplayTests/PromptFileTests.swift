import SlicerCodec
import SlicerReplay
import SlicerTestSupport
import Testing

struct PromptFileTests {
  func parse(_ text: String) throws -> [PromptEntry] {
    try PromptFile(parsing: text, path: "t.prompt").entries
  }

  @Test func turnsAreRunsOfTextLinesBetweenBlankLinesDirectivesAndComments() throws {
    let entries = try parse(
      """
      # a comment
      /max-tokens 8
      First turn,
        second line of it.

      Second turn.
      # ends it
      Third turn.
      /reset
      Fourth turn.
      """)
    #expect(
      entries == [
        PromptEntry(line: 2, kind: .directive(.maxTokens(8))),
        PromptEntry(line: 3, kind: .turn("First turn,\nsecond line of it.")),
        PromptEntry(line: 6, kind: .turn("Second turn.")),
        PromptEntry(line: 8, kind: .turn("Third turn.")),
        PromptEntry(line: 9, kind: .directive(.reset)),
        PromptEntry(line: 10, kind: .turn("Fourth turn.")),
      ])
  }

  @Test func quotedLinesAreVerbatimAndMayStartWithSlashOrHash() throws {
    let entries = try parse("> /help me\n>\n>   # indented\n> trailing  \nplain after quote\n")
    #expect(
      entries == [
        PromptEntry(line: 1, kind: .turn("/help me\n\n  # indented\ntrailing  \nplain after quote"))
      ])
  }

  @Test func everyDirectiveParses() throws {
    let entries = try parse(
      """
      /budget 1e-3
      /split 4
      /codec topk:0.25:4
      /server 127.0.0.1:7070
      /server [::1]:8000
      /server local
      /seed 18446744073709551615
      /temp 0.7
      /max-tokens 100
      /system Be brief.  Very brief.
      /system
      Hi.
      /reset
      """)
    #expect(
      entries.map(\.kind) == [
        .directive(.budget(1e-3)), .directive(.split(4)),
        .directive(.codec(.topK(fraction: 0.25, bits: 4))),
        .directive(.server(.remote(host: "127.0.0.1", port: 7070))),
        .directive(.server(.remote(host: "::1", port: 8000))), .directive(.server(.local)),
        .directive(.seed(UInt64.max)), .directive(.temperature(0.7)), .directive(.maxTokens(100)),
        .directive(.system("Be brief.  Very brief.")), .directive(.system(nil)), .turn("Hi."),
        .directive(.reset),
      ])
  }

  @Test func crlfLineEndingsAndIndentedDirectivesAreAccepted() throws {
    let entries = try parse("  /split 2\r\nHello\r\n\r\n\t# comment\r\nBye\r\n")
    #expect(
      entries == [
        PromptEntry(line: 1, kind: .directive(.split(2))),
        PromptEntry(line: 2, kind: .turn("Hello")),
        PromptEntry(line: 5, kind: .turn("Bye")),
      ])
  }

  @Test func systemIsAllowedAgainAfterReset() throws {
    let entries = try parse("/system A\nHi.\n/reset\n/system B\nHi again.\n")
    #expect(entries.count == 5)
    #expect(entries[3].kind == .directive(.system("B")))
  }

  @Test func directivesPrintBackInTheirCanonicalSpelling() {
    #expect(PromptDirective.budget(0.001).text == "/budget 0.001")
    #expect(
      PromptDirective.codec(.slicer(budget: 0.01, maxGroups: 4)).text == "/codec slicer:0.01:g=4")
    #expect(PromptDirective.server(.remote(host: "::1", port: 80)).text == "/server [::1]:80")
    #expect(PromptDirective.system(nil).text == "/system")
    #expect(PromptDirective.temperature(0.5).text == "/temp 0.5")
  }

  @Test func everyExamplePromptFileParses() throws {
    for name in ["basics", "budgets", "codecs", "splits", "sampling", "chat"] {
      let file = try PromptFile.load(
        Fixtures.repository.appendingPathComponent("Prompts/\(name).prompt").path)
      #expect(!file.turns.isEmpty, "\(name)")
    }
  }
}
