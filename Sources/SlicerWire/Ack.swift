/// The server's answer to RESET, SAMPLING, CODEC and a PREFILL without sampling.
///
///     context length      varint   positions in the session after this request
public struct Ack: Equatable, Sendable {
  public var contextLength: Int

  public init(contextLength: Int) { self.contextLength = contextLength }
}
