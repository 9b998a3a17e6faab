/// What a key asks the TUI to do. `KeyMap` turns keys into actions; `ChatApp` performs them.
public enum Action: Equatable, Sendable {
  /// Distortion budget one step down (−1, more bits) or up (+1, fewer bits).
  case stepBudget(Int)
  /// Split one layer down (−1) or up (+1).
  case stepSplit(Int)
  case nextCodec
  /// Stop the running generation.
  case stopGeneration
  /// Empty the input line (and leave a Ctrl-R search).
  case clearInput
  /// The first Ctrl-C at an empty prompt: say that a second one quits.
  case armQuit
  case quit
  case toggleHelp
  case closeHelp
  case scrollPageUp, scrollPageDown
  case scrollLines(Int)
  /// Back to following the end of the conversation.
  case scrollToEnd
  /// A new conversation (after the context filled up, or any time).
  case resetConversation
  case redraw
  case resize
  /// Give the key to the line editor (readline).
  case edit(KeyEvent)
  /// A one-line message for the notice line.
  case notify(String)
}
