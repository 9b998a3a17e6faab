/// The whole screen: lays out the panes for the canvas size and has each draw itself.
public struct Screen {
  private let chat = ChatPane(cache: WrapCache())
  private let help: HelpOverlay

  public init(budgetFactor: Double = BudgetStepper.defaultFactor) {
    help = HelpOverlay(budgetFactor: budgetFactor)
  }

  /// What the last frame measured, for scrolling by pages.
  public struct Metrics: Equatable, Sendable {
    public var chatLines: Int
    public var chatHeight: Int

    public init(chatLines: Int, chatHeight: Int) {
      self.chatLines = chatLines
      self.chatHeight = chatHeight
    }
  }

  /// Draws everything; the canvas starts blank.
  @discardableResult
  public func draw(_ state: ScreenState, input: InputState, on canvas: inout some Canvas) -> Metrics
  {
    let layout = Layout(width: canvas.width, height: canvas.height)
    TitleBar().draw(state, in: layout.title, on: &canvas)
    let lines = chat.draw(state, in: layout.chat, on: &canvas)
    if let column = layout.separatorColumn {
      let rule = Rect(row: layout.chat.row, column: column, width: 1, height: layout.chat.height)
      for line in 0..<rule.height { canvas.text("│", in: rule, line: line, style: .label) }
    }
    LinkPane().draw(state, in: layout.link, on: &canvas)
    ABQPane().draw(state, in: layout.abq, on: &canvas)
    TimingPane().draw(state, in: layout.timing, on: &canvas)
    NoticeLine().draw(state, in: layout.notice, on: &canvas)
    KeyHintBar().draw(in: layout.hints, on: &canvas)
    if state.helpVisible {
      help.draw(
        in: Rect(row: 0, column: 0, width: canvas.width, height: canvas.height), on: &canvas)
    } else {
      InputLine().draw(input, in: layout.input, on: &canvas)
    }
    return Metrics(chatLines: lines, chatHeight: layout.chat.height)
  }
}
