/// The protocol version and the fixed bounds every peer enforces while decoding.
///
/// The per-server limits (frame size, context, idle time) travel in `HelloOK.limits`; these are
/// the ones built into the format itself, so a decoder never trusts a count it has not bounded.
public enum WireLimits {
  /// The protocol version this module speaks (the `version` field of HELLO and HELLO_OK).
  public static let version: UInt16 = 1

  /// The 4 bytes every HELLO and HELLO_OK payload starts with: ASCII "SLCR".
  public static let magic: [UInt8] = Array("SLCR".utf8)

  /// The longest string any message may carry, in UTF-8 bytes.
  public static let maximumStringBytes = 1024

  /// The largest token id (vocabulary sizes, split layers and other model dimensions have the
  /// same bound): fits `Int32` so it is an `Int` on every platform.
  public static let maximumTokenID = Int(Int32.max)

  /// A frame's length (type byte + payload) is a LEB128 varint; a `UInt64` takes at most 10 bytes.
  public static let maximumVarintBytes = 10

  /// The smallest frame limit a peer may declare: room for any ERROR frame (a 1024-byte
  /// message plus its fields), so a server can always say what went wrong.
  public static let minimumFrameBytes = 2048

  /// The frame size a decoder accepts unless told otherwise: 1 MiB, room for a PREFILL of a few
  /// thousand positions of a compressed 768-wide hidden state.
  public static let defaultMaximumFrameBytes = 1 << 20
}
