import Testing

@testable import SlicerReplay

struct TranscriptTests {
  @Test func theFormatIsPinned() {
    // 4 positions of 64 bits each; a 16-bit fp16 vector of d = 8 is 128 bits, so 0.5 of fp16.
    #expect(
      Transcript.render(SyntheticReplay.result) == """
        # Replay of toy.prompt

        - model: toy (opt, 4 layers, hidden 8, context 64)
        - start: split 2/4 · codec none · greedy · max 32 tokens
        <!-- run: 0.500 s -->

        ## Conversation 1

        - line 1: `/budget 0.001` → codec slicer:0.001
        - line 2: `/max-tokens 2`

        ### Turn 1 (line 4)

        User:

        > Hi\\tthere\\u{20}

        Assistant:

        > Hello
        > world

        - settings: split 2/4 · codec slicer:0.001 · greedy · max 2 tokens
        - tokens: 2, stop max_tokens
        - ids: 7 9
        - link: 4 positions, 64.0 bits/token, 0.500 of fp16, distortion 2.000e-03 (max 2.000e-03)
        - bits/token by part: header 20.0, positions 16.0, scales 12.0, values 12.0, padding 4.0
        - kept entries/token: K+ 3.0, K− 2.0
        - bitwidths (entries): dropped 12, 1-bit 8, 2-bit 8, 4-bit 4
        <!-- run: 0.250 s; head 2.0 ms, encode 4.0 ms, tail 6.0 ms, round trip 8.0 ms; tail in-process -->

        ## Totals

        - totals: 1 turns, 2 tokens, 4 positions, 256 bits, 64.0 bits/token, 0.500 of fp16, distortion 2.000e-03
        - bitwidths (entries): dropped 12, 1-bit 8, 2-bit 8, 4-bit 4
        <!-- run: 0.500 s; head 2.0 ms, encode 4.0 ms, tail 6.0 ms, round trip 8.0 ms -->

        """)
  }

  @Test func quotingKeepsEveryCharacterVisible() {
    #expect(
      Transcript.quote("a\\b\r\n\n  x \u{1B}[0m\u{85}") == [
        "> a\\\\b\\r", ">", ">   x \\u{1B}[0m\\u{85}",
      ])
    #expect(Transcript.quote("") == [">"])
    #expect(Transcript.quote("two  ") == ["> two \\u{20}"])
    #expect(Transcript.quoteInline("a\nb") == "\"a\\nb\"")
  }

  @Test func runLinesAreRecognised() {
    #expect(Transcript.isRunLine("<!-- run: 0.1 s -->"))
    #expect(!Transcript.isRunLine("- link: …"))
    #expect(!Transcript.isRunLine(" <!-- run: indented is content -->"))
  }

  @Test func goldensLeaveRunLinesOut() {
    let text = Transcript.render(SyntheticReplay.result)
    let golden = Transcript.withoutRunLines(text)
    #expect(golden.split(separator: "\n").count == text.split(separator: "\n").count - 3)
    #expect(!golden.contains("<!-- run:"))
    #expect(golden.hasSuffix("4-bit 4\n"))
    #expect(GoldenCheck.compare(golden: golden, actual: text).isEmpty)
  }

  @Test func theSummaryIsReadBackFromTheTotalsLine() throws {
    let text = Transcript.render(SyntheticReplay.result)
    let summary = try #require(TranscriptSummary(parsing: text))
    #expect(summary == TranscriptSummary(turns: 1, tokens: 2, positions: 4, bits: 256))
    #expect(summary == TranscriptSummary(SyntheticReplay.result))
    #expect(summary.bitsPerToken == 64)
    #expect(TranscriptSummary(parsing: "# not a transcript\n") == nil)
    #expect(TranscriptSummary(parsing: "- totals: 1 turns, x tokens\n") == nil)
  }
}
