import SlicerTUI
import Testing

struct TextLayoutTests {
  @Test func displayWidths() {
    #expect(DisplayWidth.of("hello") == 5)
    #expect(DisplayWidth.of("日本語") == 6)
    #expect(DisplayWidth.of("e\u{301}") == 1)  // e + combining acute: one cell
    #expect(DisplayWidth.of("🙂") == 2)
    #expect(DisplayWidth.of("−×█▁") == 4)
    #expect(DisplayWidth.of("\u{7}") == 0)
  }

  @Test func prefixAndSuffixFitByCells() {
    #expect(DisplayWidth.prefix("日本語", fitting: 5) == ("日本", 4))
    #expect(DisplayWidth.prefix("abc", fitting: 10) == ("abc", 3))
    #expect(DisplayWidth.prefix("abc", fitting: 0) == ("", 0))
    #expect(DisplayWidth.suffix("abc日本", fitting: 5) == "c日本")
    #expect(DisplayWidth.suffix("日本", fitting: 3) == "本")
  }

  @Test func wrapsAtSpaces() {
    #expect(
      TextWrap.lines("the quick brown fox jumps", width: 10) == ["the quick", "brown fox", "jumps"])
    #expect(TextWrap.lines("exactly ten", width: 7) == ["exactly", "ten"])
    #expect(TextWrap.lines("", width: 10) == [""])
  }

  @Test func breaksWordsLongerThanTheLine() {
    #expect(TextWrap.lines("abcdefghij klm", width: 4) == ["abcd", "efgh", "ij", "klm"])
    #expect(TextWrap.lines("a abcdefgh", width: 4) == ["a", "abcd", "efgh"])
  }

  @Test func wideCharactersWrapByCells() {
    #expect(TextWrap.lines("日本語日本語", width: 5) == ["日本", "語日", "本語"])
  }

  @Test func newlinesTabsAndControlCharacters() {
    #expect(TextWrap.lines("one\ntwo\n\nfour", width: 10) == ["one", "two", "", "four"])
    #expect(TextWrap.lines("a\tb", width: 10) == ["a    b"])
    #expect(TextWrap.lines("be\u{7}ll\u{1B}[31m", width: 10) == ["bell[31m"])
    #expect(TextWrap.lines("crlf\r\nnext", width: 10) == ["crlf", "next"])
  }

  @Test func sparklines() {
    #expect(Sparkline.render([1, 2, 4, 8], width: 4) == "▁▂▄█")
    #expect(Sparkline.render([0, 8], width: 4) == "   █")
    #expect(Sparkline.render([1, 2, 3, 4, 5], width: 3) == "▅▇█")
    #expect(Sparkline.render([], width: 2) == "  ")
    // Autoscaled: the minimum is the lowest bar, so a 10% change spans the whole height.
    #expect(Sparkline.autoscaled([400, 420, 440], width: 3) == "▁▅█")
    #expect(Sparkline.autoscaled([300, 300], width: 2) == "▄▄")
  }

  @Test func horizontalBars() {
    #expect(Sparkline.bar(0.5, width: 4) == "██")
    #expect(Sparkline.bar(0.55, width: 4) == "██▎")
    #expect(Sparkline.bar(1.5, width: 2) == "██")
    #expect(Sparkline.bar(0, width: 4) == "")
  }

  @Test func layoutAt80x24() {
    let layout = Layout(width: 80, height: 24)
    #expect(layout.title == Rect(row: 0, column: 0, width: 80, height: 1))
    #expect(layout.chat == Rect(row: 1, column: 0, width: 45, height: 20))
    #expect(layout.separatorColumn == 45)
    #expect(layout.link == Rect(row: 1, column: 46, width: 34, height: 9))
    #expect(layout.abq == Rect(row: 10, column: 46, width: 34, height: 7))
    #expect(layout.timing == Rect(row: 17, column: 46, width: 34, height: 4))
    #expect(layout.notice == Rect(row: 21, column: 0, width: 80, height: 1))
    #expect(layout.input == Rect(row: 22, column: 0, width: 80, height: 1))
    #expect(layout.hints == Rect(row: 23, column: 0, width: 80, height: 1))
  }

  @Test func largerScreensGiveTheLinkPaneTheSpareRows() {
    let layout = Layout(width: 100, height: 30)
    #expect(layout.chat == Rect(row: 1, column: 0, width: 59, height: 26))
    #expect(layout.link == Rect(row: 1, column: 60, width: 40, height: 15))
    #expect(layout.abq.row == 16)
    #expect(layout.timing == Rect(row: 23, column: 60, width: 40, height: 4))
    #expect(Layout(width: 200, height: 50).link.width == 52)
  }

  @Test func smallScreensDropTheSidePanes() {
    let narrow = Layout(width: 60, height: 24)
    #expect(narrow.chat == Rect(row: 1, column: 0, width: 60, height: 20))
    #expect(narrow.separatorColumn == nil)
    #expect(narrow.link.isEmpty)
    let short = Layout(width: 80, height: 18)
    #expect(short.link.isEmpty == false)
    #expect(short.link.height == 9)
    #expect(short.abq.height == 5)
    #expect(short.timing.height == 0)
    let tiny = Layout(width: 10, height: 2)
    #expect(tiny.hints == Rect(row: 1, column: 0, width: 10, height: 1))
    #expect(tiny.input.height == 0)
    #expect(tiny.chat.height == 0)
  }

  @Test func scrollingByPagesAndBackToFollowing() {
    // 100 lines in a 20-line pane.
    var scroll = ChatScroll.following
    #expect(scroll.firstLine(total: 100, height: 20) == 80)
    scroll = scroll.moved(by: -ChatScroll.page(height: 20), total: 100, height: 20)
    #expect(scroll == .anchored(top: 61))
    scroll = scroll.moved(by: -100, total: 100, height: 20)
    #expect(scroll == .anchored(top: 0))
    // New text does not move an anchored view.
    #expect(scroll.firstLine(total: 150, height: 20) == 0)
    scroll = scroll.moved(by: 200, total: 150, height: 20)
    #expect(scroll == .following)
    #expect(ChatScroll.following.moved(by: -5, total: 10, height: 20) == .following)
  }
}

struct DisplayWidthPathTests {
  /// The fast paths (ASCII, simple scalars) give what the general one does.
  @Test func fastPathsAgreeWithTheGraphemePath() {
    let texts = [
      "plain ascii text", "Link ───────", "▁▂▃▅▇█ bits", "日本語 and ascii", "e\u{301}cole", "👍🏽 ok",
      "한국어", "a\u{200D}b", "½ × − → ●",
    ]
    for text in texts {
      for width in [0, 1, 3, 7, 40] {
        let general = text.reduce(into: (used: 0, count: 0, done: false)) { state, character in
          guard !state.done else { return }
          let w = DisplayWidth.of(character)
          if state.used + w > width {
            state.done = true
            return
          }
          state.used += w
          state.count += 1
        }
        let fast = DisplayWidth.prefix(text, fitting: width)
        #expect(fast.width == general.used, "\(text) at \(width)")
        #expect(fast.text.count == general.count, "\(text) at \(width)")
      }
    }
  }
}
