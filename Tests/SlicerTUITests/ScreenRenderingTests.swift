import SlicerCodec
import SlicerModel
import SlicerTUI
import Testing

/// The whole screen drawn into a `TextCanvas`: exactly what a terminal would show.
struct ScreenRenderingTests {
  static func session() -> ScreenState {
    var state = ScreenState(modelNotice: "Model: tiny (test).")
    state.apply(
      .loaded(
        ScreenStateTests.model, ScreenStateTests.settings, endpoint: "in-process", connected: true))
    state.apply(.turnStarted("Hello there, how are you today?", positionsUsed: 0))
    state.apply(
      .step(StepFixtures.step(positions: 8, bitsEach: 440), piece: " I am", elapsed: 0.040))
    state.apply(
      .step(StepFixtures.step(bitsEach: 400, distortion: 8e-4), piece: " fine,", elapsed: 0.060))
    state.apply(
      .step(StepFixtures.step(bitsEach: 480, distortion: 9e-4), piece: " thanks.", elapsed: 0.080))
    return state
  }

  @Test func fullScreenAt80x24() {
    var canvas = TextCanvas(width: 80, height: 24)
    let metrics = Screen().draw(
      Self.session(), input: InputState(beforeCursor: "next question"), on: &canvas)
    #expect(canvas.text == Self.expected80x24)
    #expect(metrics == Screen.Metrics(chatLines: 2, chatHeight: 20))
    #expect(canvas.cursor?.row == 22)
    #expect(canvas.cursor?.column == 15)
  }

  @Test func aNarrowScreenIsAllConversation() {
    var canvas = TextCanvas(width: 40, height: 8)
    Screen().draw(Self.session(), input: InputState(), on: &canvas)
    #expect(
      canvas.lines == [
        " slicer chat · tiny          generating",
        "» Hello there, how are you today?",
        " I am fine, thanks.▍",
        "",
        "",
        " Model: tiny (test).",
        "»",
        "F1Help   F2Budget-F3Budget+F4Split- F5Sp",
      ])
  }

  @Test func aScrolledConversationSaysHowMuchIsBelow() {
    var state = Self.session()
    for index in 0..<30 { state.entries.append(ChatEntry(.note, "note \(index)")) }
    state.scroll = .anchored(top: 0)
    var canvas = TextCanvas(width: 40, height: 8)
    let metrics = Screen().draw(state, input: InputState(), on: &canvas)
    #expect(metrics == Screen.Metrics(chatLines: 32, chatHeight: 4))
    #expect(
      canvas.lines[1...4] == [
        "» Hello there, how are you today?", " I am fine, thanks.", "· note 0",
        "· note 1                ↓ 28 more (PgDn)",
      ])
  }

  @Test func theInputLineScrollsToKeepTheCaretInView() {
    var canvas = TextCanvas(width: 12, height: 3)
    let input = InputState(beforeCursor: "abcdefghijklmnop", afterCursor: "XYZ")
    Screen().draw(ScreenState(), input: input, on: &canvas)
    #expect(canvas.lines[1] == "» hijklmnopX")
    #expect(canvas.cursor?.row == 1)
    #expect(canvas.cursor?.column == 12 - 1)
    var search = TextCanvas(width: 40, height: 3)
    let searching = InputState(
      prompt: "(reverse-i-search)`he': ", beforeCursor: "", afterCursor: "hello", searching: true)
    Screen().draw(ScreenState(), input: searching, on: &search)
    #expect(search.lines[1] == "(reverse-i-search)`he': hello")
    #expect(search.style(row: 1, column: 0) == .note)
  }

  @Test func wideCharactersKeepTheirCells() {
    var state = ScreenState()
    state.entries = [ChatEntry(.assistant, "日本語のテキスト")]
    var canvas = TextCanvas(width: 12, height: 6)
    Screen().draw(state, input: InputState(), on: &canvas)
    #expect(canvas.lines[1...2] == ["日本語のテキ", "スト"])
  }

  @Test func helpOverlayListsKeysAndCommands() {
    var state = Self.session()
    state.helpVisible = true
    var canvas = TextCanvas(width: 80, height: 24)
    Screen().draw(state, input: InputState(), on: &canvas)
    let text = canvas.text
    #expect(text.contains("│ F2 / F3     distortion budget ÷ / × √10"))
    #expect(text.contains("│ /budget 1e-3      SLICER codec with this distortion budget"))
    #expect(text.contains("┌─ slicer chat: keys and commands ─"))
    #expect(canvas.cursor == nil)
  }

  @Test func baselineCodecsShowNoBudgetAndNoGroups() {
    var state = ScreenState()
    var settings = ScreenStateTests.settings
    settings.codec = .int8
    state.apply(.loaded(ScreenStateTests.model, settings, endpoint: "gpu:7070", connected: false))
    state.apply(.turnStarted("x", positionsUsed: 0))
    state.apply(
      .step(
        StepFixtures.step(bitsEach: 544, distortion: 2e-5, groups: []), piece: "y", elapsed: 0.01))
    var canvas = TextCanvas(width: 80, height: 24)
    Screen().draw(state, input: InputState(), on: &canvas)
    let side = canvas.lines.map { String($0.dropFirst(46)) }
    #expect(side[3] == " split  2/4  codec int8")
    #expect(side[4] == " tail   gpu:7070 ○ not connected")
    #expect(side[5] == " budget - (int8 has none)")
    #expect(side[10] == " ABQ K+ 0  K− 0 ──────────────────")
    #expect(side[11] == " no groups: int8 codec")
  }

  @Test func aMeanSquaredBudgetSaysWhatItBounds() {
    var state = ScreenState()
    var settings = ScreenStateTests.settings
    settings.codec = .slicer(budget: 0.3, measure: .meanSquared)
    state.apply(.loaded(ScreenStateTests.model, settings, endpoint: "gpu:7070", connected: false))
    var canvas = TextCanvas(width: 100, height: 24)
    Screen().draw(state, input: InputState(), on: &canvas)
    #expect(canvas.text.contains("│ split  2/4  codec slicer:0.3:m=mse\n"))
    #expect(canvas.text.contains("│ budget 0.3 (mean squared error)\n"))
  }

  static let expected80x24 = """
     slicer chat · tiny                                                  generating
    » Hello there, how are you today?            │ Link ────────────────────────────
     I am fine, thanks.▍                         │ model  tiny
                                                 │ split  2/4  codec slicer:0.001
                                                 │ tail   in-process ● connected
                                                 │ budget 0.001 (-30.0 dB)
                                                 │ step   480 bits              ▅▁█
                                                 │ turn   440 b/tok, 2.3× < fp16
                                                 │ dist   9.7e-04 (-30.1 dB)
                                                 │ ctx    10/128
                                                 │ ABQ K+ 50  K− 30 ────────────────
                                                 │ + ▂2 ▃3 ▅5
                                                 │   17 17 16
                                                 │ − ▃3 ▄4
                                                 │   15 15
                                                 │ turn     ▅ █ ▄ ▄
                                                 │ bits 0 1 2 3 4 5 6 7 8
                                                 │ Timing ──────────────────────────
                                                 │ head 3.0 + codec 1.0 ms/tok
                                                 │ tail 12.0  trip 13.0 ms/tok
                                                 │ 50.0 tok/s  first token 40.0 ms
     Model: tiny (test).
    » next question
    F1Help   F2Budget-F3Budget+F4Split- F5Split+ F6Codec  F8Reset  F10Quit
    """
}
