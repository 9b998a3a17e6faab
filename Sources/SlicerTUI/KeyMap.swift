/// What the TUI is doing when a key arrives: all `KeyMap` needs to decide.
public struct KeyContext: Equatable, Sendable {
  public var generating: Bool
  public var inputEmpty: Bool
  /// Readline is in a Ctrl-R (or other) history search.
  public var searching: Bool
  public var helpVisible: Bool
  /// The last key was a Ctrl-C that stopped a generation or met an empty prompt.
  public var quitArmed: Bool

  public init(
    generating: Bool = false, inputEmpty: Bool = true, searching: Bool = false,
    helpVisible: Bool = false, quitArmed: Bool = false
  ) {
    self.generating = generating
    self.inputEmpty = inputEmpty
    self.searching = searching
    self.helpVisible = helpVisible
    self.quitArmed = quitArmed
  }
}

/// The key bindings, as a pure function from a key and the context to actions (htop's
/// function-key bar, readline for everything typed).
///
/// | key | action |
/// | --- | --- |
/// | F1 | help overlay |
/// | F2 / F3 | distortion budget down / up (one step) |
/// | F4 / F5 | split down / up (the conversation is replayed through the new split) |
/// | F6 | next codec |
/// | F8 | new conversation |
/// | F10, Ctrl-D on an empty line | quit |
/// | Ctrl-C | stop the generation; else clear the line; at an empty prompt, twice: quit |
/// | PgUp / PgDn, mouse wheel | scroll the conversation |
/// | Ctrl-L | redraw |
/// | anything else | the input line (readline: editing keys, history, Ctrl-R) |
public enum KeyMap {
  /// Lines one wheel notch scrolls.
  public static let wheelLines = 3

  public static func actions(for key: KeyEvent, in context: KeyContext) -> [Action] {
    if context.helpVisible {
      switch key {
      case .function(1), .escape, .character("q"), .enter: return [.closeHelp]
      case .resize: return [.resize]
      default: return [.closeHelp] + actions(for: key, in: withoutHelp(context))
      }
    }
    switch key {
    case .function(1): return [.toggleHelp]
    case .function(2): return [.stepBudget(-1)]
    case .function(3): return [.stepBudget(+1)]
    case .function(4): return [.stepSplit(-1)]
    case .function(5): return [.stepSplit(+1)]
    case .function(6): return [.nextCodec]
    case .function(8):
      return context.generating ? [.stopGeneration, .resetConversation] : [.resetConversation]
    case .function(10): return [.quit]
    case .function: return []
    case .ctrlC:
      if context.generating { return [.stopGeneration, .armQuit] }
      if context.searching || !context.inputEmpty { return [.clearInput] }
      return context.quitArmed ? [.quit] : [.armQuit]
    case .ctrlD:
      return context.inputEmpty && !context.searching ? [.quit] : [.edit(key)]
    case .ctrlL: return [.redraw]
    case .resize: return [.resize]
    case .pageUp: return [.scrollPageUp]
    case .pageDown: return [.scrollPageDown]
    case .wheelUp: return [.scrollLines(-wheelLines)]
    case .wheelDown: return [.scrollLines(wheelLines)]
    default: return [.edit(key)]
    }
  }

  private static func withoutHelp(_ context: KeyContext) -> KeyContext {
    var context = context
    context.helpVisible = false
    return context
  }

  /// The F-key bar at the bottom of the screen: key, label.
  public static let hints: [(key: String, label: String)] = [
    ("F1", "Help"), ("F2", "Budget-"), ("F3", "Budget+"), ("F4", "Split-"), ("F5", "Split+"),
    ("F6", "Codec"), ("F8", "Reset"), ("F10", "Quit"),
  ]
}
