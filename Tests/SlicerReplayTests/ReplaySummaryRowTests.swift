import SlicerReplay
import Testing

struct ReplaySummaryRowTests {
  @Test func theTableAlignsColumnsAndAddsATotal() {
    let golden = TranscriptSummary(turns: 2, tokens: 10, positions: 20, bits: 8000)
    let rows = [
      ReplaySummaryRow(
        file: "Prompts/basics.prompt",
        summary: TranscriptSummary(turns: 2, tokens: 10, positions: 20, bits: 8000),
        check: .same(golden)),
      ReplaySummaryRow(
        file: "b.prompt",
        summary: TranscriptSummary(turns: 1, tokens: 5, positions: 10, bits: 3000),
        check: .differs(TranscriptSummary(turns: 1, tokens: 5, positions: 10, bits: 3125), lines: 4)
      ),
      ReplaySummaryRow(
        file: "c.prompt", summary: TranscriptSummary(turns: 1, tokens: 1, positions: 2, bits: 100),
        check: .missing),
    ]
    #expect(
      ReplaySummaryRow.table(rows) == """
        file                   tokens  bits/token  Δ vs golden  check
        Prompts/basics.prompt      10       400.0          0.0  same
        b.prompt                    5       300.0        -12.5  DIFFERS (4 lines)
        c.prompt                    1        50.0            —  MISSING golden
        all 3 files                16       346.9

        """)
    #expect(rows.map { $0.check?.isFailure } == [false, true, true])
  }

  @Test func withoutCheckThereAreThreeColumns() {
    let row = ReplaySummaryRow(
      file: "a.prompt", summary: TranscriptSummary(turns: 1, tokens: 3, positions: 4, bits: 8192))
    #expect(
      ReplaySummaryRow.table([row]) == """
        file      tokens  bits/token
        a.prompt       3      2048.0

        """)
  }
}
