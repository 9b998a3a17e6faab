import Foundation
import SlicerTestSupport
import Testing

/// The real binary in tmux: keys in, screens out. The tiny OPT fixture makes it fast (its text
/// is gibberish, but deterministic); SmolLM2 runs too when it is in Weights/.
@Suite(.enabled(if: TmuxSession.isAvailable, "needs tmux and the built slicer binary"))
struct TmuxTests {
  static let tiny = ["chat", "--model", "Tests/Fixtures/tiny-opt"]

  /// Waits for the model to load and the prompt to be ready.
  static func ready(_ session: TmuxSession, timeout: Double = 60) -> Bool {
    session.wait(timeout: timeout) {
      $0.rows.first?.hasSuffix("ready") == true && $0.contains("split  2/4")
    }.met
  }

  static func idle(_ screen: String) -> Bool { screen.rows.first?.hasSuffix("ready") == true }

  @Test func aPromptStreamsIntoTheChatPaneAndTheBitsPaneShowsNumbers() throws {
    let session = try TmuxSession(Self.tiny + ["--max-tokens", "20"])
    defer { session.close() }
    #expect(Self.ready(session))
    try session.type("Hello there")
    try session.press("Enter")
    let (done, screen) = session.wait {
      Self.idle($0) && $0.contains("│ turn   ") && $0.number(after: "│ turn") != nil
    }
    #expect(done, "no answer:\n\(screen)")
    let rows = screen.rows
    #expect(rows[1].hasPrefix("» Hello there"))
    #expect(
      rows[2].prefix(59).trimmingCharacters(in: .whitespaces).count > 5, "no reply text:\n\(screen)"
    )
    let stepBits = screen.number(after: "│ step") ?? 0
    #expect(stepBits > 100 && stepBits < 64 * 32, "bits of the last step: \(stepBits)\n\(screen)")
    #expect(screen.number(after: "│ ctx") == 3 + 19)  // BOS and "Hello there", 19 tokens fed back
    #expect(screen.contains("│ tail   in-process ● connected"))
    #expect(screen.contains("│ budget 0.001 (-30.0 dB)"))
    #expect(screen.contains(" tok/s  first token "))
  }

  @Test func budgetKeyChangesTheBudgetOnScreenAndTheBitsThatFollow() throws {
    let session = try TmuxSession(Self.tiny + ["--max-tokens", "24"])
    defer { session.close() }
    #expect(Self.ready(session))
    func turnBits() -> Int? {
      try? session.type("Hello there")
      try? session.press("Enter")
      let (done, screen) = session.wait {
        Self.idle($0) && $0.contains("Reached the answer length")
      }
      return done ? screen.number(after: "│ turn") : nil
    }
    let before = try #require(turnBits())
    try session.press("F3")
    let (raised, screen) = session.wait {
      $0.contains("codec slicer:0.00316") && $0.contains("budget 0.00316 (-25.0 dB)")
    }
    #expect(raised, "F3 did not raise the budget:\n\(screen)")
    try session.press("F8")
    #expect(session.wait { $0.contains("· New conversation.") }.met)
    let after = try #require(turnBits())
    // The same prompt and greedy decoding: a looser budget costs fewer bits per token.
    #expect(after < before * 9 / 10, "bits/token \(before) at 1e-3, \(after) at 3.16e-3")

    try session.press("F2", "F2")
    #expect(session.wait { $0.contains("budget 0.000316 (-35.0 dB)") }.met)
  }

  @Test func splitKeyMovesTheSplitOnScreen() throws {
    let session = try TmuxSession(Self.tiny + ["--max-tokens", "8"])
    defer { session.close() }
    #expect(Self.ready(session))
    try session.type("Hello there")
    try session.press("Enter")
    #expect(session.wait { Self.idle($0) && $0.contains("│ turn   ") }.met)
    try session.press("F4")
    let (moved, screen) = session.wait {
      $0.contains("split  1/4  codec") && $0.contains("· Split 2 → 1/4: ")
    }
    #expect(moved, "F4 did not move the split:\n\(screen)")
    try session.press("F5", "F5")
    #expect(session.wait { $0.contains("split  3/4  codec") }.met)
  }

  @Test func ctrlCStopsTheAnswerAndTheSecondQuitsRestoringTheTerminal() throws {
    // A pause per token so that the key lands mid-answer.
    let session = try TmuxSession(Self.tiny + ["--max-tokens", "100", "--step-delay", "80"])
    defer { session.close() }
    #expect(Self.ready(session))
    try session.type("Hello there")
    try session.press("Enter")
    let (streaming, first) = session.wait(settled: false) {
      $0.rows.first?.hasSuffix("generating") == true && ($0.number(after: "│ ctx") ?? 0) >= 8
    }
    #expect(streaming, "not generating:\n\(first)")
    // Token by token: the context keeps growing while the answer streams.
    let early = first.number(after: "│ ctx") ?? 0
    #expect(session.wait(settled: false) { ($0.number(after: "│ ctx") ?? 0) > early + 2 }.met)
    try session.press("C-c")
    let (stopped, screen) = session.wait { Self.idle($0) && $0.contains("· Stopped.") }
    #expect(stopped, "Ctrl-C did not stop the answer:\n\(screen)")
    let context = screen.number(after: "│ ctx") ?? 0
    #expect(context < 4 + 100, "the answer ran to its end: \(context) positions")
    #expect(screen.rows[28] == "»")
    Thread.sleep(forTimeInterval: 0.3)
    #expect(session.capture().number(after: "│ ctx") == context, "generation went on after Ctrl-C")

    try session.press("C-c")
    let (quit, after) = session.wait { $0.contains("EXIT:0") }
    #expect(quit, "the second Ctrl-C did not quit:\n\(after)")
    #expect(!after.contains("F1Help"), "the curses screen is still up:\n\(after)")
  }

  @Test func aFullContextStopsWithANoticeAndF8StartsAfresh() throws {
    let session = try TmuxSession(Self.tiny + ["--max-tokens", "500"])
    defer { session.close() }
    #expect(Self.ready(session))
    try session.type("Hello there")
    try session.press("Enter")
    let (full, screen) = session.wait { $0.rows.first?.hasSuffix("context full") == true }
    #expect(full, "the context did not fill:\n\(screen)")
    #expect(screen.contains("│ ctx    128/128 full"))
    #expect(
      screen.contains(
        " The conversation filled the model's context (128 positions). F8 or /reset starts a new one."
      ))
    try session.type("more")
    try session.press("Enter")
    #expect(session.wait { $0.contains("· The context is full: the prompt is ") }.met)
    try session.press("F8")
    #expect(session.wait { Self.idle($0) && $0.contains("│ ctx    0/128") }.met)
    try session.type("/max 4")
    try session.press("Enter")
    try session.type("Hello there")
    try session.press("Enter")
    let (again, after) = session.wait { Self.idle($0) && $0.contains("│ ctx    6/128") }
    #expect(again, "no answer after F8:\n\(after)")
  }

  @Test func resizingRedrawsTheLayoutWithoutGarbage() throws {
    let session = try TmuxSession(Self.tiny + ["--max-tokens", "12"])
    defer { session.close() }
    #expect(Self.ready(session))
    try session.type("Hello there")
    try session.press("Enter")
    #expect(session.wait { Self.idle($0) && $0.contains("│ turn   ") }.met)

    for (width, height, separator) in [(80, 24, 45), (120, 40, 71), (72, 24, 37), (100, 30, 59)] {
      try session.resize(width: width, height: height)
      let (redrawn, screen) = session.wait(timeout: 10) { screen in
        let rows = screen.rows
        // The title fills the row; capture-pane drops its one trailing blank.
        return rows.count >= height && rows[height - 1].hasPrefix("F1Help")
          && rows[0].hasSuffix("ready") && cellWidth(rows[0]) == width - 1
      }
      #expect(redrawn, "no redraw at \(width)×\(height):\n\(screen)")
      let rows = Array(screen.rows.prefix(height))
      // Every body row has the separator in the same column; each pane appears exactly once;
      // no row is wider than the window; the F-key bar is only on the last row.
      for row in rows[1..<(height - 3)] {
        let cells = Array(row)
        #expect(
          cells.count > separator && cells[separator] == "│", "row \(row) at \(width)×\(height)")
      }
      for title in [
        "Link ─", "ABQ ", "Timing ─", "F1Help", "» Hello there", "slicer chat · tiny-opt",
      ] {
        #expect(
          screen.components(separatedBy: title).count - 1 == 1,
          "\(title) at \(width)×\(height):\n\(screen)")
      }
      #expect(rows.allSatisfy { cellWidth($0) <= width })
      #expect(rows[height - 2] == "»")
    }
  }

  @Test func aModelThatWillNotLoadIsAMessageAndColorsObeyNoColor() throws {
    let session = try TmuxSession(
      ["chat", "--model", "/nonexistent/model"], environment: ["NO_COLOR": "1"])
    defer { session.close() }
    let (shown, screen) = session.wait {
      $0.contains("Cannot load the model at '/nonexistent/model'")
    }
    #expect(shown, "no load error on screen:\n\(screen)")
    #expect(screen.rows.first?.hasSuffix("ready") == true)
    let styled = session.capture(escapes: true)
    // Bold and reverse only: no foreground (3x, 9x) or background (4x, 10x) colors.
    #expect(styled.contains("\u{1B}[7m") || styled.contains(";7m"), "no reverse video:\n\(styled)")
    let colors = try Regex(#"\x1B\[[0-9;]*(3[0-7]|4[0-7]|9[0-7]|10[0-7])m"#)
    #expect(styled.firstMatch(of: colors) == nil, "colors despite NO_COLOR")
    try session.type("Hello")
    try session.press("Enter")
    #expect(session.wait { $0.contains("No model is loaded") }.met)
    try session.press("F10")
    #expect(session.wait { $0.contains("EXIT:0") }.met)
  }

  @Test(
    .enabled(
      if: FileManager.default.fileExists(
        atPath: Fixtures.repository.appendingPathComponent("Weights/smollm2-135m-instruct").path),
      "SmolLM2 not in Weights/"))
  func smolLM2AnswersInTheTUI() throws {
    let session = try TmuxSession([
      "chat", "--model", "Weights/smollm2-135m-instruct", "--max-tokens", "12",
    ])
    defer { session.close() }
    #expect(session.wait(timeout: 60) { Self.idle($0) && $0.contains("split  15/30") }.met)
    try session.type("What is the capital of France?")
    try session.press("Enter")
    let (answered, screen) = session.wait(timeout: 120) {
      Self.idle($0) && $0.contains("│ turn   ")
    }
    #expect(answered, "no answer:\n\(screen)")
    #expect(screen.contains("Paris"), "\(screen)")
    #expect((screen.number(after: "│ step") ?? 0) > 0)
    #expect(screen.contains("ABQ K+ "))
  }
}

/// Display width of a captured row (tmux writes wide characters once).
func cellWidth(_ row: String) -> Int {
  row.reduce(0) { total, character in
    guard let scalar = character.unicodeScalars.first else { return total }
    let wide =
      (0x1100...0x115F).contains(scalar.value) || (0x2E80...0xA4CF).contains(scalar.value)
      || (0xAC00...0xD7A3).contains(scalar.value) || (0xFF00...0xFF60).contains(scalar.value)
    return total + (wide ? 2 : 1)
  }
}
