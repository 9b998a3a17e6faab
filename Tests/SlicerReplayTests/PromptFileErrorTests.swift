import SlicerReplay
import Testing

/// Each malformed line is reported with its line, column, what was expected and what was found.
struct PromptFileErrorTests {
  func parseError(_ text: String) -> PromptFileError? {
    do {
      _ = try PromptFile(parsing: text, path: "bad.prompt")
      return nil
    } catch {
      return error
    }
  }

  @Test func aBadBudgetPointsAtTheArgument() throws {
    let error = try #require(parseError("Hello.\n\n/budget tight\n"))
    #expect(error.line == 3)
    #expect(error.column == 9)
    #expect(error.found == "'tight'")
    #expect(
      error.description == """
        bad.prompt:3:9: expected a distortion budget after /budget: a number ≥ 0 such as 1e-3, found 'tight'
            /budget tight
                    ^
        """)
  }

  @Test func aMissingArgumentIsFoundAsEndOfLine() throws {
    let error = try #require(parseError("/split\nHi.\n"))
    #expect(error.line == 1)
    #expect(error.column == 7)
    #expect(error.expected == "a split layer after /split: an integer ≥ 0")
    #expect(error.found == "end of line")
  }

  @Test func anExtraArgumentIsPointedAt() throws {
    let error = try #require(parseError("Hi.\n/max-tokens 8 16\n"))
    #expect(error.line == 2)
    #expect(error.column == 15)
    #expect(error.expected == "end of line after /max-tokens 8")
    #expect(error.found == "'16'")
  }

  @Test func aMisspelledDirectiveGetsASuggestion() throws {
    let error = try #require(parseError("Hi.\n\n  /bugdet 1e-3\n"))
    #expect(error.line == 3)
    #expect(error.column == 3)
    #expect(error.found == "'/bugdet' (did you mean /budget?)")
    #expect(error.expected.hasPrefix("a directive (/budget, /split, /codec, /server, /seed, /temp"))
  }

  @Test func aBadCodecCarriesTheCodecsReason() throws {
    let error = try #require(parseError("/codec slicer:-1\nHi.\n"))
    #expect(error.column == 8)
    #expect(error.found.hasPrefix("'slicer:-1' (slicer BUDGET '-1' must be a finite number ≥ 0"))
  }

  @Test func badValuesOfEachDirective() throws {
    let cases: [(String, Int, String)] = [
      ("/seed -1", 7, "'-1'"),
      ("/temp -0.5", 7, "'-0.5'"),
      ("/temp nan", 7, "'nan'"),
      ("/max-tokens 0", 13, "'0'"),
      ("/split 1.5", 8, "'1.5'"),
      ("/server localhost", 9, "'localhost'"),
      ("/server host:0", 9, "'host:0'"),
      ("/server :80", 9, "':80'"),
      ("/reset now", 8, "'now'"),
      ("/", 1, "'/' alone"),
    ]
    for (line, column, found) in cases {
      let error = try #require(parseError("Hi.\n" + line + "\n"), "\(line)")
      #expect(error.line == 2, "\(line)")
      #expect(error.column == column, "\(line)")
      #expect(error.found == found, "\(line)")
    }
  }

  @Test func systemAfterATurnNeedsAReset() throws {
    let error = try #require(parseError("/system A\nHi.\n\n/system B\nAgain.\n"))
    #expect(error.line == 4)
    #expect(error.column == 1)
    #expect(
      error.expected
        == "/system before the conversation's first turn (line 2); put /reset before it to start a new conversation"
    )
  }

  @Test func aFileWithoutTurnsIsAnError() throws {
    let error = try #require(parseError("# only a comment\n/split 2\n"))
    #expect(error.line == 3)
    #expect(error.expected == "at least one user turn")
    #expect(error.found == "end of file")
  }

  @Test func invalidUTF8IsReportedOnItsLine() throws {
    var bytes = Array("Hi.\n\nthere \u{e9}\n".utf8)
    bytes[bytes.count - 3] = 0xFF  // first byte of "é" replaced: an invalid sequence
    do {
      _ = try PromptFile(parsing: bytes, path: "bad.prompt")
      Issue.record("expected an error")
    } catch {
      #expect(error.line == 3)
      #expect(error.expected == "UTF-8 text")
    }
  }

  @Test func aMissingFileIsAnError() throws {
    do {
      _ = try PromptFile.load("/nonexistent/x.prompt")
      Issue.record("expected an error")
    } catch {
      #expect(
        error.description == "/nonexistent/x.prompt: expected a prompt file, found no such file")
    }
  }
}
