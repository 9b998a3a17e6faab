/// A byte-level BPE vocabulary packed to stay small in memory: each token's string, the bytes
/// it stands for, and the lookup from string to id.
///
/// ```
///   text    "!" "\"" … "Ġthe" …    every token string's UTF-8, back to back
///   ends    [1, 2, …]             token id's UTF-8 is text[ends[id - 1] ..< ends[id]]
///                                 (from 0 for id 0)
///   kinds   one per id            .absent: the vocabulary skips the id;
///                                 .byteLevel: the string spells bytes in GPT-2's alphabet
///                                   (see ByteLevel), decoded on demand;
///                                 .literal: the token stands for its own UTF-8 (special
///                                   tokens, strings outside the alphabet)
///   slots   hash table            a power of two ≥ 1.5 × the ids: id + 1 (0 = empty), found by
///                                 linear probing from FNV-1a of the string's UTF-8
/// ```
///
/// SmolLM2's 49,152 tokens take ≈ 1.2 MB this way, against ≈ 5 MB as a `[String?]`, a
/// `[[UInt8]?]` (one heap block per token) and a `[String: Int32]` — memory the process keeps
/// for its whole life next to the model's weights.
struct TokenTable: Sendable {
  enum Kind: UInt8, Sendable {
    case absent
    case byteLevel
    case literal
  }

  private var text: [UInt8] = []
  private var ends: [UInt32] = []
  private var kinds: [Kind] = []
  private var slots: [Int32] = []
  /// Bytes of special tokens whose id the vocabulary gives a different string (their string
  /// stays the vocabulary's; they stand for their own text). Empty for real vocabularies.
  private var specialBytes: [Int: [UInt8]] = [:]

  /// The largest total of token-string bytes accepted: offsets are 32-bit.
  static let maximumTextBytes = Int(UInt32.max)

  /// The number of ids, 0..<count.
  var count: Int { ends.count }

  /// Packs `vocabulary` (strings by id, nil for skipped ids). A string repeated under several
  /// ids is found (by `id(of:)`) under the lowest. Special tokens take the id's slot when the
  /// vocabulary skips it, and always stand for their own text.
  /// - Throws: `TokenizerError.vocabularyTooLarge` when the strings exceed 4 GiB in all.
  init(
    vocabulary: [String?], specialTokens: [String: Int], source: String
  ) throws(TokenizerError) {
    var strings = vocabulary
    for (special, id) in specialTokens where strings.indices.contains(id) && strings[id] == nil {
      strings[id] = special
    }
    ends.reserveCapacity(strings.count)
    kinds.reserveCapacity(strings.count)
    text.reserveCapacity(strings.reduce(0) { $0 + ($1?.utf8.count ?? 0) })
    for string in strings {
      if let string {
        guard text.count + string.utf8.count <= Self.maximumTextBytes else {
          throw .vocabularyTooLarge(source: source, bytes: text.count + string.utf8.count)
        }
        text.append(contentsOf: string.utf8)
        kinds.append(ByteLevel.isByteLevel(string) ? .byteLevel : .literal)
      } else {
        kinds.append(.absent)
      }
      ends.append(UInt32(text.count))
    }
    for (special, id) in specialTokens where strings.indices.contains(id) {
      if strings[id] == special {
        kinds[id] = .literal
      } else {
        specialBytes[id] = Array(special.utf8)
      }
    }

    var size = 16
    while size < count + count / 2 { size *= 2 }
    slots = [Int32](repeating: 0, count: size)
    for id in 0..<count where kinds[id] != .absent {
      insert(Int32(id))
    }
  }

  /// Token `id`'s UTF-8 (empty for an absent id).
  private func utf8Range(_ id: Int) -> Range<Int> {
    let start = id == 0 ? 0 : Int(ends[id - 1])
    return start..<Int(ends[id])
  }

  /// Whether the id exists and is not skipped.
  func contains(_ id: Int) -> Bool {
    id >= 0 && id < count && kinds[id] != .absent
  }

  /// The string of token `id`, or nil for an id outside the vocabulary or skipped by it.
  func string(_ id: Int) -> String? {
    guard contains(id) else { return nil }
    return String(decoding: text[utf8Range(id)], as: UTF8.self)
  }

  /// Appends the bytes token `id` stands for to `output`; false (nothing appended) for an id
  /// outside the vocabulary or skipped by it.
  @discardableResult
  func appendBytes(of id: Int, to output: inout [UInt8]) -> Bool {
    guard contains(id) else { return false }
    if let special = specialBytes[id] {
      output.append(contentsOf: special)
      return true
    }
    let range = utf8Range(id)
    guard kinds[id] == .byteLevel else {
      output.append(contentsOf: text[range])
      return true
    }
    // Byte-level scalars are below U+0144, so each is one UTF-8 byte (ASCII) or two
    // (110xxxxx 10xxxxxx); `isByteLevel` admitted only strings of such scalars.
    var index = range.lowerBound
    while index < range.upperBound {
      let lead = text[index]
      var scalar = Int(lead)
      if lead >= 0x80, index + 1 < range.upperBound {
        scalar = Int(lead & 0x1F) << 6 | Int(text[index + 1] & 0x3F)
        index += 1
      }
      index += 1
      if scalar < ByteLevel.byteForScalar.count, ByteLevel.byteForScalar[scalar] >= 0 {
        output.append(UInt8(ByteLevel.byteForScalar[scalar]))
      }
    }
    return true
  }

  /// The id of the token whose string is `string` (the lowest such id).
  func id(of string: String) -> Int32? {
    if let found = string.utf8.withContiguousStorageIfAvailable({ id(ofUTF8: $0) }) {
      return found
    }
    return Array(string.utf8).withUnsafeBufferPointer { id(ofUTF8: $0) }
  }

  /// The id of the token whose string's UTF-8 is `utf8` (the lowest such id).
  func id(ofUTF8 utf8: UnsafeBufferPointer<UInt8>) -> Int32? {
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: Self.hash(utf8)) & mask
    while true {
      let entry = slots[slot]
      if entry == 0 { return nil }
      let id = Int(entry - 1)
      if text[utf8Range(id)].elementsEqual(utf8) { return entry - 1 }
      slot = (slot + 1) & mask
    }
  }

  /// What a merge line's UTF-8 names.
  enum MergeLookup: Equatable {
    /// Not two tokens separated by one space.
    case malformed
    /// A token of it, or the token it makes, is not in the vocabulary.
    case missing(leftFound: Bool, rightFound: Bool)
    case found(left: Int32, right: Int32, merged: Int32)
  }

  /// The ids of merge line `utf8` ("left right"): exactly one space (U+0020, the only scalar
  /// whose UTF-8 holds the byte 0x20) with a token on each side, and their concatenation. No
  /// String is made; `scratch` holds the concatenation.
  func merge(_ utf8: UnsafeBufferPointer<UInt8>, scratch: inout [UInt8]) -> MergeLookup {
    guard let space = utf8.firstIndex(of: 0x20), space > 0, space < utf8.count - 1,
      !utf8[(space + 1)...].contains(0x20)
    else { return .malformed }
    let left = UnsafeBufferPointer(rebasing: utf8[..<space])
    let right = UnsafeBufferPointer(rebasing: utf8[(space + 1)...])
    guard let leftID = id(ofUTF8: left) else { return .missing(leftFound: false, rightFound: false) }
    guard let rightID = id(ofUTF8: right) else { return .missing(leftFound: true, rightFound: false) }
    scratch.removeAll(keepingCapacity: true)
    scratch.append(contentsOf: left)
    scratch.append(contentsOf: right)
    guard let mergedID = scratch.withUnsafeBufferPointer({ id(ofUTF8: $0) }) else {
      return .missing(leftFound: true, rightFound: true)
    }
    return .found(left: leftID, right: rightID, merged: mergedID)
  }

  /// Adds `id` under its string unless a lower id already has that string.
  private mutating func insert(_ id: Int32) {
    let range = utf8Range(Int(id))
    let mask = slots.count - 1
    var slot = text.withUnsafeBufferPointer { all in
      Int(truncatingIfNeeded: Self.hash(UnsafeBufferPointer(rebasing: all[range])))
    } & mask
    while slots[slot] != 0 {
      if text[utf8Range(Int(slots[slot] - 1))].elementsEqual(text[range]) { return }
      slot = (slot + 1) & mask
    }
    slots[slot] = id + 1
  }

  /// 64-bit FNV-1a.
  private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in bytes {
      h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }
    return h
  }
}
