import Testing

@testable import SlicerReplay

struct GoldenCheckTests {
  static let golden = """
    # Replay of a.prompt
    <!-- run: 1.000 s -->
    one
    two
    - ids: 1437 4 2
    four
    five
    six
    seven

    """

  @Test func equalTextsAndRunLinesDifferingGiveNoDiff() {
    let actual = Self.golden.replacingOccurrences(of: "1.000 s", with: "9.999 s")
    #expect(GoldenCheck.compare(golden: Self.golden, actual: actual).isEmpty)
    // A run line added or removed is not a difference either.
    let extra = Self.golden.replacingOccurrences(of: "four\n", with: "four\n<!-- run: x -->\n")
    #expect(GoldenCheck.compare(golden: Self.golden, actual: extra).isEmpty)
  }

  @Test func oneChangedTokenIsPointedAtWithItsLineAndColumn() {
    let actual = Self.golden.replacingOccurrences(of: "1437 4 2", with: "1437 5 2")
    let diff = GoldenCheck.compare(golden: Self.golden, actual: actual)
    #expect(
      diff.changes == [
        GoldenDiff.Line(kind: .removed, goldenLine: 5, actualLine: nil, text: "- ids: 1437 4 2"),
        GoldenDiff.Line(kind: .added, goldenLine: nil, actualLine: 5, text: "- ids: 1437 5 2"),
      ])
    #expect(
      diff.render(goldenName: "g.md", actualName: "a.prompt") == """
        --- golden g.md
        +++ replay of a.prompt
        @@ golden line 3, replay line 3 @@
          3 3  one
          4 4  two
        - 5    - ids: 1437 4 2
        +   5  - ids: 1437 5 2
                           ^ first difference at column 13
          6 6  four
          7 7  five

        """)
  }

  @Test func insertionsAndRemovalsKeepBothFilesLineNumbers() {
    let actual = """
      # Replay of a.prompt
      <!-- run: 2.000 s -->
      one
      inserted
      two
      - ids: 1437 4 2
      four
      five
      seven

      """
    let diff = GoldenCheck.compare(golden: Self.golden, actual: actual, context: 1)
    #expect(
      diff.hunks == [
        [
          .init(kind: .context, goldenLine: 3, actualLine: 3, text: "one"),
          .init(kind: .added, goldenLine: nil, actualLine: 4, text: "inserted"),
          .init(kind: .context, goldenLine: 4, actualLine: 5, text: "two"),
        ],
        [
          .init(kind: .context, goldenLine: 7, actualLine: 8, text: "five"),
          .init(kind: .removed, goldenLine: 8, actualLine: nil, text: "six"),
          .init(kind: .context, goldenLine: 9, actualLine: 9, text: "seven"),
        ],
      ])
  }

  @Test func nearbyChangesShareAHunk() {
    let actual = Self.golden.replacingOccurrences(of: "two", with: "2")
      .replacingOccurrences(of: "five", with: "5")
    let diff = GoldenCheck.compare(golden: Self.golden, actual: actual, context: 1)
    #expect(diff.hunks.count == 1)
    #expect(diff.changes.map(\.text) == ["two", "2", "five", "5"])
  }

  @Test func theLineDiffIsMinimal() {
    let old = ["a", "b", "c", "d", "e"]
    let new = ["a", "x", "c", "e", "f"]
    #expect(
      LineDiff.operations(old, new) == [
        .keep(0, 0), .remove(1), .add(1), .keep(2, 2), .remove(3), .keep(4, 3), .add(4),
      ])
    #expect(LineDiff.operations([], ["a"]) == [.add(0)])
    #expect(LineDiff.operations(["a"], []) == [.remove(0)])
  }
}

extension GoldenCheckTests {
  @Test func aGoldenWithCRLFLineEndingsStillMatches() {
    let crlf = Self.golden.replacingOccurrences(of: "\n", with: "\r\n")
    #expect(GoldenCheck.compare(golden: crlf, actual: Self.golden).isEmpty)
  }
}
