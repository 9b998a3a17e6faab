import SlicerTUI
import Testing

struct KeyMapTests {
  let idle = KeyContext()
  let generating = KeyContext(generating: true)

  @Test func functionKeysActOnTheLink() {
    #expect(KeyMap.actions(for: .function(2), in: idle) == [.stepBudget(-1)])
    #expect(KeyMap.actions(for: .function(3), in: idle) == [.stepBudget(1)])
    #expect(KeyMap.actions(for: .function(4), in: generating) == [.stepSplit(-1)])
    #expect(KeyMap.actions(for: .function(5), in: generating) == [.stepSplit(1)])
    #expect(KeyMap.actions(for: .function(6), in: generating) == [.nextCodec])
    #expect(KeyMap.actions(for: .function(1), in: idle) == [.toggleHelp])
    #expect(KeyMap.actions(for: .function(10), in: generating) == [.quit])
    #expect(KeyMap.actions(for: .function(7), in: idle) == [])
  }

  @Test func resetStopsARunningAnswerFirst() {
    #expect(KeyMap.actions(for: .function(8), in: idle) == [.resetConversation])
    #expect(
      KeyMap.actions(for: .function(8), in: generating) == [.stopGeneration, .resetConversation])
  }

  @Test func ctrlCStopsThenClearsThenQuitsOnTheSecondPress() {
    #expect(KeyMap.actions(for: .ctrlC, in: generating) == [.stopGeneration, .armQuit])
    #expect(KeyMap.actions(for: .ctrlC, in: KeyContext(inputEmpty: false)) == [.clearInput])
    #expect(KeyMap.actions(for: .ctrlC, in: KeyContext(searching: true)) == [.clearInput])
    #expect(KeyMap.actions(for: .ctrlC, in: idle) == [.armQuit])
    #expect(KeyMap.actions(for: .ctrlC, in: KeyContext(quitArmed: true)) == [.quit])
    // Typed text is cleared even when armed: only an empty prompt quits.
    #expect(
      KeyMap.actions(for: .ctrlC, in: KeyContext(inputEmpty: false, quitArmed: true)) == [
        .clearInput
      ])
  }

  @Test func ctrlDQuitsOnlyOnAnEmptyLine() {
    #expect(KeyMap.actions(for: .ctrlD, in: idle) == [.quit])
    #expect(KeyMap.actions(for: .ctrlD, in: KeyContext(inputEmpty: false)) == [.edit(.ctrlD)])
    #expect(KeyMap.actions(for: .ctrlD, in: KeyContext(searching: true)) == [.edit(.ctrlD)])
  }

  @Test func scrollingKeys() {
    #expect(KeyMap.actions(for: .pageUp, in: idle) == [.scrollPageUp])
    #expect(KeyMap.actions(for: .pageDown, in: generating) == [.scrollPageDown])
    #expect(KeyMap.actions(for: .wheelUp, in: idle) == [.scrollLines(-3)])
    #expect(KeyMap.actions(for: .wheelDown, in: idle) == [.scrollLines(3)])
  }

  @Test func everythingElseGoesToTheLineEditorEvenWhileGenerating() {
    for key: KeyEvent in [
      .character("a"), .character("日"), .enter, .left, .up, .backspace, .control(18), .escape,
    ] {
      #expect(KeyMap.actions(for: key, in: generating) == [.edit(key)])
    }
    #expect(KeyMap.actions(for: .ctrlL, in: idle) == [.redraw])
    #expect(KeyMap.actions(for: .resize, in: idle) == [.resize])
  }

  @Test func helpClosesOnAnyKeyAndTheKeyStillActs() {
    let help = KeyContext(helpVisible: true)
    #expect(KeyMap.actions(for: .function(1), in: help) == [.closeHelp])
    #expect(KeyMap.actions(for: .escape, in: help) == [.closeHelp])
    #expect(KeyMap.actions(for: .character("q"), in: help) == [.closeHelp])
    #expect(KeyMap.actions(for: .function(3), in: help) == [.closeHelp, .stepBudget(1)])
    #expect(KeyMap.actions(for: .character("x"), in: help) == [.closeHelp, .edit(.character("x"))])
    #expect(KeyMap.actions(for: .resize, in: help) == [.resize])
  }

  @Test func controlBytesDecodeToKeys() {
    #expect(KeyEvent(controlByte: 13) == .enter)
    #expect(KeyEvent(controlByte: 10) == .enter)
    #expect(KeyEvent(controlByte: 127) == .backspace)
    #expect(KeyEvent(controlByte: 8) == .backspace)
    #expect(KeyEvent(controlByte: 9) == .tab)
    #expect(KeyEvent(controlByte: 3) == .ctrlC)
    #expect(KeyEvent(controlByte: 27) == .escape)
  }

  @Test func readlineGetsControlCodesAndUTF8() {
    #expect(ReadlineKeys.bytes(for: .character("é")) == [0xC3, 0xA9])
    #expect(ReadlineKeys.bytes(for: .character("a")) == [0x61])
    #expect(ReadlineKeys.bytes(for: .enter) == [13])
    #expect(ReadlineKeys.bytes(for: .backspace) == [127])
    #expect(ReadlineKeys.bytes(for: .left) == [2])
    #expect(ReadlineKeys.bytes(for: .right) == [6])
    #expect(ReadlineKeys.bytes(for: .up) == [16])
    #expect(ReadlineKeys.bytes(for: .down) == [14])
    #expect(ReadlineKeys.bytes(for: .home) == [1])
    #expect(ReadlineKeys.bytes(for: .end) == [5])
    #expect(ReadlineKeys.bytes(for: .delete) == [27, 91, 51, 126])
    #expect(ReadlineKeys.bytes(for: .wordLeft) == [27, 98])
    #expect(ReadlineKeys.bytes(for: .control(18)) == [18])
    #expect(ReadlineKeys.bytes(for: .tab) == [])
    #expect(ReadlineKeys.bytes(for: .function(3)) == [])
  }
}
