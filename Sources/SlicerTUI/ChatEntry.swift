/// One block of the conversation pane.
public struct ChatEntry: Equatable, Sendable {
  public enum Kind: Sendable { case user, assistant, note, error }
  public var kind: Kind
  public var text: String

  public init(_ kind: Kind, _ text: String) {
    self.kind = kind
    self.text = text
  }
}
