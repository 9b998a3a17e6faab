/// One new position's hidden state; the server appends it and answers TOKEN. The payload is the
/// whole rest of the frame (the frame length delimits it), so a STEP costs the codec's bytes plus
/// 2 bytes (payload ≤ 126 bytes) or 3 bytes (≤ 16,382 bytes).
///
///     payload             bytes    the codec's frame, to the end of the frame
public struct Step: Equatable, Sendable {
  public var payload: [UInt8]

  public init(payload: [UInt8]) { self.payload = payload }

  /// Frame bytes beyond the codec's: the length varint and the type byte.
  public static func frameOverhead(payloadBytes: Int) -> Int {
    Varint.size(UInt64(payloadBytes + 1)) + 1
  }
}
