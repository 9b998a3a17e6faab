/// 16 bytes that identify a model's weights (a hash of its config and tensor bytes, computed by
/// whoever loads the model). Client and server compare them in HELLO: equal fingerprints mean
/// the head and the tail come from the same checkpoint.
public struct ModelFingerprint: Hashable, Sendable, CustomStringConvertible {
  public static let byteCount = 16

  public let bytes: [UInt8]

  /// Nil unless `bytes` holds exactly 16 bytes.
  public init?(_ bytes: some Collection<UInt8>) {
    guard bytes.count == Self.byteCount else { return nil }
    self.bytes = Array(bytes)
  }

  /// Nil unless `hex` is 32 hexadecimal digits.
  public init?(hex: String) {
    let digits = Array(hex.utf8)
    guard digits.count == 2 * Self.byteCount else { return nil }
    var bytes: [UInt8] = []
    for i in stride(from: 0, to: digits.count, by: 2) {
      guard let high = Self.nibble(digits[i]), let low = Self.nibble(digits[i + 1]) else {
        return nil
      }
      bytes.append(high << 4 | low)
    }
    self.bytes = bytes
  }

  /// 32 lowercase hexadecimal digits.
  public var description: String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
  }

  /// The first 8 digits, enough to tell two models apart in an error message.
  public var short: String { String(description.prefix(8)) }

  private static func nibble(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}
