/// A GPT-2-style byte-level BPE tokenizer (OPT, GPT-2, SmolLM2).
///
/// Encoding: cut the text around special tokens (only when asked), split each plain stretch with
/// the `PreTokenizer`, map every UTF-8 byte of a piece to its single-byte token (see `ByteLevel`),
/// then merge adjacent tokens by merge rank (see `BPEMerger`). Decoding concatenates the bytes the
/// tokens stand for and reads them as UTF-8 once, at the end.
///
/// Built from OPT's `vocab.json` + `merges.txt` (see `init(vocabJSON:mergesTXT:specialTokens:)`)
/// or from the token and merge lists a GGUF file carries (`init(tokens:merges:...)`).
public struct BPETokenizer: Sendable {
  /// The largest vocabulary accepted (ids 0..<limit); far above any real one, it bounds the
  /// memory an id read from a file can make us allocate.
  public static let maximumVocabularySize = 1 << 24

  /// Token strings (byte-level form) by id; nil for ids the vocabulary skips.
  private let tokenStrings: [String?]
  /// The bytes each id stands for; special tokens stand for their own UTF-8.
  private let tokenBytes: [[UInt8]?]
  /// Token string → id (the lowest id when a list repeats a string).
  private let idForToken: [String: Int32]
  /// The id of the single-byte token of each byte.
  private let byteIDs: [Int32]
  private let merges: BPEMerges
  private let specialTokens: [String: Int]
  private let specialIDs: Set<Int>
  private let specialMatcher: SpecialTokenMatcher
  public let preTokenizer: PreTokenizer

  /// Builds a tokenizer from GGUF-style lists.
  /// - Parameters:
  ///   - tokens: token strings in byte-level form, indexed by id (`tokenizer.ggml.tokens`).
  ///   - merges: `"a b"` strings, highest priority first (`tokenizer.ggml.merges`).
  ///   - specialTokens: literal text → id of tokens such as `<|im_start|>`; they are matched in
  ///     the input only by `encode(_:addingBOS:allowSpecial:)` with `allowSpecial: true`.
  public init(
    tokens: [String], merges: [String], preTokenizer: PreTokenizer,
    specialTokens: [String: Int]
  ) throws(TokenizerError) {
    try self.init(
      vocabulary: tokens, vocabularySource: "tokenizer.ggml.tokens",
      mergeLines: merges.enumerated().map {
        MergeLine(text: Substring($0.element), line: $0.offset + 1)
      },
      mergesSource: "tokenizer.ggml.merges", preTokenizer: preTokenizer,
      specialTokens: specialTokens)
  }

  /// One line of a merges list, with its 1-based line number for error messages.
  struct MergeLine {
    var text: Substring
    var line: Int
  }

  init(
    vocabulary: [String?], vocabularySource: String, mergeLines: [MergeLine], mergesSource: String,
    preTokenizer: PreTokenizer, specialTokens: [String: Int]
  ) throws(TokenizerError) {
    guard vocabulary.count <= Self.maximumVocabularySize else {
      throw .tokenIDOutOfRange(
        source: vocabularySource, token: vocabulary.last.flatMap { $0 } ?? "",
        id: vocabulary.count - 1, limit: Self.maximumVocabularySize)
    }
    var strings = vocabulary
    for (text, id) in specialTokens {
      guard !text.isEmpty else { throw .emptySpecialToken(id: id) }
      guard strings.indices.contains(id) else {
        throw .specialTokenOutOfRange(token: text, id: id, vocabularySize: strings.count)
      }
      if strings[id] == nil { strings[id] = text }
    }

    var idForToken: [String: Int32] = [:]
    idForToken.reserveCapacity(strings.count)
    var bytes: [[UInt8]?] = []
    bytes.reserveCapacity(strings.count)
    for (id, string) in strings.enumerated() {
      guard let string else {
        bytes.append(nil)
        continue
      }
      if idForToken[string] == nil { idForToken[string] = Int32(id) }
      // A string outside the byte-level alphabet stands for its own UTF-8, as in Hugging Face's
      // ByteLevel decoder.
      bytes.append(ByteLevel.bytes(forString: string) ?? Array(string.utf8))
    }
    for (text, id) in specialTokens { bytes[id] = Array(text.utf8) }

    // A byte with no token of its own (SmolLM2 lacks a few control bytes) is dropped when
    // encoding, as Hugging Face's BPE does for symbols outside a vocabulary without `<unk>`.
    var byteIDs = [Int32](repeating: -1, count: 256)
    for byte in 0..<256 {
      byteIDs[byte] = idForToken[ByteLevel.string(forBytes: [UInt8(byte)])] ?? -1
    }

    var merges = BPEMerges()
    var rank = 0
    for mergeLine in mergeLines {
      // Split on scalars, not Characters: a token may begin with a combining mark, which would
      // fuse with the separating space into one Character.
      let parts = mergeLine.text.unicodeScalars.split(
        separator: " ", omittingEmptySubsequences: false)
      guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
        throw .malformedMerge(
          source: mergesSource, line: mergeLine.line, text: String(mergeLine.text))
      }
      let left = String(String.UnicodeScalarView(parts[0]))
      let right = String(String.UnicodeScalarView(parts[1]))
      let merged = left + right
      guard let leftID = idForToken[left] else {
        throw .mergeTokenMissing(source: mergesSource, line: mergeLine.line, token: left)
      }
      guard let rightID = idForToken[right] else {
        throw .mergeTokenMissing(source: mergesSource, line: mergeLine.line, token: right)
      }
      guard let mergedID = idForToken[merged] else {
        throw .mergeTokenMissing(source: mergesSource, line: mergeLine.line, token: merged)
      }
      merges.add(left: leftID, right: rightID, merged: mergedID, rank: rank)
      rank += 1
    }

    self.tokenStrings = strings
    self.tokenBytes = bytes
    self.idForToken = idForToken
    self.byteIDs = byteIDs
    self.merges = merges
    self.specialTokens = specialTokens
    self.specialIDs = Set(specialTokens.values)
    self.specialMatcher = SpecialTokenMatcher(specialTokens)
    self.preTokenizer = preTokenizer
  }

  /// The number of ids, 0..<vocabularySize (OPT: 50,265; its model has 50,272 embedding rows).
  public var vocabularySize: Int { tokenStrings.count }

  /// The id of a token given in byte-level form (`"Ġthe"`), or of a special token (`"</s>"`).
  public func id(of token: String) -> Int? {
    idForToken[token].map(Int.init)
  }

  /// The byte-level form of a token (`"Ġthe"`), or nil for an id outside the vocabulary.
  public func token(of id: Int) -> String? {
    guard tokenStrings.indices.contains(id) else { return nil }
    return tokenStrings[id]
  }

  /// The raw bytes a token stands for (possibly part of a UTF-8 sequence), or nil for an id
  /// outside the vocabulary.
  public func bytes(of id: Int) -> [UInt8]? {
    guard tokenBytes.indices.contains(id) else { return nil }
    return tokenBytes[id]
  }

  /// Whether `id` is one of the special tokens this tokenizer was given.
  public func isSpecial(_ id: Int) -> Bool { specialIDs.contains(id) }

  /// The special tokens, literal text → id.
  public var specialTokenIDs: [String: Int] { specialTokens }

  /// The ids of `text`.
  /// - Parameters:
  ///   - bos: an id to put first (OPT: `OPTTokenizer.bosID`), or nil for none.
  ///   - allowSpecial: whether special tokens written in the text (`</s>`) become their ids; by
  ///     default the text is plain text and `</s>` is encoded as `<`, `/`, `s`, `>` would be.
  public func encode(_ text: String, addingBOS bos: Int? = nil, allowSpecial: Bool = false) -> [Int]
  {
    var output: [Int] = []
    output.reserveCapacity(text.utf8.count / 3 + 1)
    if let bos { output.append(bos) }
    var merger = BPEMerger()
    if allowSpecial, !specialMatcher.isEmpty {
      for segment in specialMatcher.segments(of: text) {
        switch segment {
        case .text(let plain): appendPlain(plain, to: &output, merger: &merger)
        case .special(let id): output.append(id)
        }
      }
    } else {
      appendPlain(text[...], to: &output, merger: &merger)
    }
    return output
  }

  private func appendPlain(_ text: Substring, to output: inout [Int], merger: inout BPEMerger) {
    let scalars = ScalarText(text)
    let utf8 = Array(text.utf8)
    var initial: [Int32] = []
    for piece in preTokenizer.pieces(of: scalars) {
      initial.removeAll(keepingCapacity: true)
      for byte in utf8[
        scalars.byteOffsets[piece.lowerBound]..<scalars.byteOffsets[piece.upperBound]]
      {
        let id = byteIDs[Int(byte)]
        if id >= 0 { initial.append(id) }
      }
      merger.merge(initial, with: merges, into: &output)
    }
  }

  /// The text of `ids`. Bytes are joined first and read as UTF-8 once, so a character split across
  /// tokens comes out whole; bytes that are not valid UTF-8 become U+FFFD. Ids outside the
  /// vocabulary are skipped.
  /// - Parameter skippingSpecial: leave out special tokens (OPT's BOS `</s>`) instead of writing
  ///   their text.
  public func decode(_ ids: [Int], skippingSpecial: Bool = false) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(ids.count * 4)
    for id in ids {
      if skippingSpecial, specialIDs.contains(id) { continue }
      if let tokenBytes = self.bytes(of: id) { bytes.append(contentsOf: tokenBytes) }
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
