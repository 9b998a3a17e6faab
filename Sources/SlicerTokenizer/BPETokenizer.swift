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

  /// Token strings (byte-level form) and the bytes they stand for, by id, and the id of each
  /// string (the lowest when a list repeats a string).
  private let table: TokenTable
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
      mergeLines: merges.lazy.enumerated().map {
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
    vocabulary: [String?], vocabularySource: String, mergeLines: some Sequence<MergeLine>,
    mergesSource: String, preTokenizer: PreTokenizer, specialTokens: [String: Int]
  ) throws(TokenizerError) {
    guard vocabulary.count <= Self.maximumVocabularySize else {
      throw .tokenIDOutOfRange(
        source: vocabularySource, token: vocabulary.last.flatMap { $0 } ?? "",
        id: vocabulary.count - 1, limit: Self.maximumVocabularySize)
    }
    for (text, id) in specialTokens {
      guard !text.isEmpty else { throw .emptySpecialToken(id: id) }
      guard vocabulary.indices.contains(id) else {
        throw .specialTokenOutOfRange(token: text, id: id, vocabularySize: vocabulary.count)
      }
    }
    let table = try TokenTable(
      vocabulary: vocabulary, specialTokens: specialTokens, source: vocabularySource)

    // A byte with no token of its own (SmolLM2 lacks a few control bytes) is dropped when
    // encoding, as Hugging Face's BPE does for symbols outside a vocabulary without `<unk>`.
    var byteIDs = [Int32](repeating: -1, count: 256)
    for byte in 0..<256 {
      byteIDs[byte] = table.id(of: ByteLevel.string(forBytes: [UInt8(byte)])) ?? -1
    }

    var merges = BPEMerges()
    var rank = 0
    var merged: [UInt8] = []
    for mergeLine in mergeLines {
      var line = mergeLine.text
      switch line.withUTF8({ table.merge($0, scratch: &merged) }) {
      case .malformed:
        throw .malformedMerge(
          source: mergesSource, line: mergeLine.line, text: String(mergeLine.text))
      case .missing(let leftFound, let rightFound):
        throw Self.missingMergeToken(
          mergeLine, leftFound: leftFound, rightFound: rightFound, source: mergesSource)
      case .found(let left, let right, let result):
        merges.add(left: left, right: right, merged: result, rank: rank)
        rank += 1
      }
    }

    self.table = table
    self.byteIDs = byteIDs
    self.merges = merges
    self.specialTokens = specialTokens
    self.specialIDs = Set(specialTokens.values)
    self.specialMatcher = SpecialTokenMatcher(specialTokens)
    self.preTokenizer = preTokenizer
  }

  /// The error for a merge line (already known to be two tokens around one space) naming a
  /// token the vocabulary lacks: the left one, else the right one, else their concatenation.
  private static func missingMergeToken(
    _ mergeLine: MergeLine, leftFound: Bool, rightFound: Bool, source: String
  ) -> TokenizerError {
    // Split on scalars, not Characters: a token may begin with a combining mark, which would
    // fuse with the separating space into one Character.
    let parts = mergeLine.text.unicodeScalars.split(separator: " ", omittingEmptySubsequences: false)
    let left = parts.first.map { String(String.UnicodeScalarView($0)) } ?? ""
    let right = parts.last.map { String(String.UnicodeScalarView($0)) } ?? ""
    let token = !leftFound ? left : !rightFound ? right : left + right
    return .mergeTokenMissing(source: source, line: mergeLine.line, token: token)
  }

  /// The number of ids, 0..<vocabularySize (OPT: 50,265; its model has 50,272 embedding rows).
  public var vocabularySize: Int { table.count }

  /// The id of a token given in byte-level form (`"Ġthe"`), or of a special token (`"</s>"`).
  public func id(of token: String) -> Int? {
    table.id(of: token).map(Int.init)
  }

  /// The byte-level form of a token (`"Ġthe"`), or nil for an id outside the vocabulary.
  public func token(of id: Int) -> String? {
    table.string(id)
  }

  /// The raw bytes a token stands for (possibly part of a UTF-8 sequence), or nil for an id
  /// outside the vocabulary.
  public func bytes(of id: Int) -> [UInt8]? {
    var bytes: [UInt8] = []
    return table.appendBytes(of: id, to: &bytes) ? bytes : nil
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
      table.appendBytes(of: id, to: &bytes)
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
