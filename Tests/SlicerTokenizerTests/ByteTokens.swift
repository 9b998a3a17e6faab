/// GPT-2's printable stand-in for each byte (`bytes_to_unicode`), written out from the spec
/// independently of the module's table: bytes '!'...'~', '¡'...'¬', '®'...'ÿ' stand for
/// themselves, the other 68 take U+0100, U+0101, ... in byte order.
enum ByteTokens {
  static let all: [String] = {
    var shifted: UInt32 = 256
    return (0..<256).map { (byte: UInt32) in
      let printable =
        (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
      let value = printable ? byte : shifted
      if !printable { shifted += 1 }
      return Unicode.Scalar(value).map { String(Character($0)) } ?? ""
    }
  }()
}
