/// GPT-2's reversible map between bytes and printable Unicode scalars (`bytes_to_unicode`).
///
/// Byte-level BPE vocabularies store every token as a string, yet a token stands for a byte
/// sequence. GPT-2 gives each of the 256 bytes a printable scalar so that no token string holds
/// whitespace, control characters or broken UTF-8:
///
/// ```
///   bytes 0x21...0x7E  ('!'...'~')   ┐
///   bytes 0xA1...0xAC  ('¡'...'¬')   ├ 188 bytes map to the scalar of the same value
///   bytes 0xAE...0xFF  ('®'...'ÿ')   ┘
///   the other 68 bytes, in increasing order → U+0100, U+0101, ..., U+0143
/// ```
///
/// So the space 0x20 is `Ġ` (U+0120), the newline 0x0A is `Ċ` (U+010A) and 0xA0 is `ł` (U+0142).
enum ByteLevel {
  /// The scalar value standing for each byte, indexed by byte.
  static let scalarForByte: [UInt32] = {
    var table = [UInt32](repeating: 0, count: 256)
    var nextShifted: UInt32 = 256
    for byte in 0..<256 {
      if isPrintedAsItself(UInt8(byte)) {
        table[byte] = UInt32(byte)
      } else {
        table[byte] = nextShifted
        nextShifted += 1
      }
    }
    return table
  }()

  /// The byte each scalar stands for, indexed by scalar value (0..<324); -1 where none.
  static let byteForScalar: [Int16] = {
    var table = [Int16](repeating: -1, count: 256 + 68)
    for byte in 0..<256 {
      table[Int(scalarForByte[byte])] = Int16(byte)
    }
    return table
  }()

  /// Whether GPT-2 keeps this byte's own code point as its printable stand-in.
  private static func isPrintedAsItself(_ byte: UInt8) -> Bool {
    (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
  }

  /// The token string for a byte sequence, e.g. `[0x20, 0x61]` → `"Ġa"`.
  static func string(forBytes bytes: some Sequence<UInt8>) -> String {
    var scalars = String.UnicodeScalarView()
    for byte in bytes {
      // Every table entry is a valid scalar (< 0x144), so this never fails.
      if let scalar = Unicode.Scalar(scalarForByte[Int(byte)]) {
        scalars.append(scalar)
      }
    }
    return String(scalars)
  }

  /// Whether every scalar of `token` is in the table, so that it spells bytes (`bytes(forString:)`
  /// is not nil).
  static func isByteLevel(_ token: String) -> Bool {
    token.unicodeScalars.allSatisfy { scalar in
      Int(scalar.value) < byteForScalar.count && byteForScalar[Int(scalar.value)] >= 0
    }
  }

  /// The bytes a token string stands for, or nil if a scalar of it is outside the table (such
  /// tokens, e.g. added special tokens, stand for their own UTF-8).
  static func bytes(forString token: String) -> [UInt8]? {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(token.unicodeScalars.count)
    for scalar in token.unicodeScalars {
      let value = Int(scalar.value)
      guard value < byteForScalar.count, byteForScalar[value] >= 0 else { return nil }
      bytes.append(UInt8(byteForScalar[value]))
    }
    return bytes
  }
}
