/// Keys as the bytes GNU readline's emacs keymap expects: control codes for the moves (no
/// escape sequences to misparse), UTF-8 for text.
public enum ReadlineKeys {
  public static func bytes(for key: KeyEvent) -> [UInt8] {
    switch key {
    case .character(let scalar): return Array(String(Character(scalar)).utf8)
    case .control(let code): return [code]
    case .enter: return [13]
    case .backspace: return [127]
    case .delete: return Array("\u{1B}[3~".utf8)
    case .up: return [16]  // ^P previous-history
    case .down: return [14]  // ^N next-history
    case .left: return [2]  // ^B
    case .right: return [6]  // ^F
    case .home: return [1]  // ^A
    case .end: return [5]  // ^E
    case .wordLeft: return Array("\u{1B}b".utf8)
    case .wordRight: return Array("\u{1B}f".utf8)
    // Tab would start filename completion, which has no place in a chat.
    case .tab, .insert, .function, .pageUp, .pageDown, .wheelUp, .wheelDown, .resize: return []
    }
  }
}
