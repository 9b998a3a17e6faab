/// A protocol error: thrown by the decoder and `ProtocolState`, and carried by ERROR frames.
///
/// `message` is a sentence for the user, naming the limit or the values that clashed; the
/// description is that sentence on one line, ready for a client to print as is.
public struct WireError: Error, Equatable, Sendable, CustomStringConvertible {
  public var code: WireErrorCode
  public var message: String

  public init(_ code: WireErrorCode, _ message: String) {
    self.code = code
    self.message = message
  }

  /// The message on one line (control characters become spaces), or the code when it is empty.
  public var description: String {
    let line = String(
      String.UnicodeScalarView(
        message.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    return line.isEmpty ? "protocol error \(code)" : line
  }
}

extension WireError {
  static func malformed(_ type: WireMessageType?, _ detail: String) -> WireError {
    WireError(.malformedFrame, "malformed \(type.map { "\($0.name) " } ?? "")frame: \(detail)")
  }
}
