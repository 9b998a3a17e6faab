/// One turn of a conversation.
public struct ChatMessage: Sendable, Equatable, Codable {
  public enum Role: String, Sendable, Codable { case system, user, assistant }
  public var role: Role
  public var content: String

  public init(_ role: Role, _ content: String) {
    self.role = role
    self.content = content
  }
}

/// How a chat model wants a conversation laid out as text.
public enum ChatTemplate: Sendable, Equatable {
  /// ChatML, as SmolLM2-Instruct uses it:
  /// `<|im_start|>role\n…<|im_end|>\n` per message, then `<|im_start|>assistant\n` to answer.
  case chatML(defaultSystem: String?)

  /// SmolLM2-Instruct's template, with its default system prompt.
  public static let smolLM2 = ChatTemplate.chatML(
    defaultSystem: "You are a helpful AI assistant named SmolLM, trained by Hugging Face")

  /// The text of `messages`, ending with the cue for the assistant's answer. A default system
  /// prompt is inserted when the conversation has none.
  public func render(_ messages: [ChatMessage]) -> String {
    switch self {
    case .chatML(let defaultSystem):
      var all = messages
      if let defaultSystem, all.first?.role != .system {
        all.insert(ChatMessage(.system, defaultSystem), at: 0)
      }
      var text = ""
      for message in all {
        text += "<|im_start|>\(message.role.rawValue)\n\(message.content)<|im_end|>\n"
      }
      return text + "<|im_start|>assistant\n"
    }
  }
}
