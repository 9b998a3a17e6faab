/// Turns generated ids into text as they arrive, never emitting a broken character.
///
/// A byte-level token can end in the middle of a UTF-8 sequence (an emoji is often 2–3 tokens).
/// `append` emits every byte up to the last complete character and holds back an unfinished
/// sequence at the end (at most 3 bytes) until the tokens that complete it arrive:
///
/// ```
///   ids:      "Hi"   " \xF0\x9F"   "\xA4\x96"   "!"
///   emitted:  "Hi"   " "           "🤖"          "!"
/// ```
///
/// Bytes that can never become valid UTF-8 are emitted at once as U+FFFD.
public struct StreamingDetokenizer: Sendable {
  private let tokenizer: BPETokenizer
  private let skippingSpecial: Bool
  /// Bytes not yet emitted: the start of a UTF-8 sequence whose remaining bytes are still to come.
  private var pending: [UInt8] = []

  /// - Parameter skippingSpecial: leave out special tokens instead of writing their text.
  public init(tokenizer: BPETokenizer, skippingSpecial: Bool = false) {
    self.tokenizer = tokenizer
    self.skippingSpecial = skippingSpecial
  }

  /// Adds one id and returns the text it completes (possibly empty). Unknown ids add nothing.
  public mutating func append(_ id: Int) -> String {
    if skippingSpecial, tokenizer.isSpecial(id) { return "" }
    guard let bytes = tokenizer.bytes(of: id) else { return "" }
    pending.append(contentsOf: bytes)
    let complete = Self.completeLength(of: pending)
    guard complete > 0 else { return "" }
    let text = String(decoding: pending[..<complete], as: UTF8.self)
    pending.removeFirst(complete)
    return text
  }

  /// Returns whatever is held back (an unfinished sequence becomes U+FFFD) and starts afresh.
  public mutating func flush() -> String {
    defer { pending.removeAll() }
    return String(decoding: pending, as: UTF8.self)
  }

  /// How many leading bytes of `bytes` can be emitted: all, unless the bytes end inside a UTF-8
  /// sequence whose lead byte promises more continuation bytes than have arrived.
  static func completeLength(of bytes: [UInt8]) -> Int {
    var lead = bytes.count - 1
    var continuations = 0
    // Walk back over at most 3 continuation bytes (10xxxxxx) to the lead byte.
    while lead >= 0, continuations < 3, bytes[lead] & 0xC0 == 0x80 {
      lead -= 1
      continuations += 1
    }
    guard lead >= 0 else { return bytes.count }
    let expected: Int
    switch bytes[lead] {
    case 0xC2...0xDF: expected = 2
    case 0xE0...0xEF: expected = 3
    case 0xF0...0xF4: expected = 4
    default: expected = 1  // ASCII, or a byte no valid sequence starts with: emit as is.
    }
    return expected > continuations + 1 ? lead : bytes.count
  }
}
