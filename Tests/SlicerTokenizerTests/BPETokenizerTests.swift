import Foundation
import SlicerTokenizer
import Testing

/// A made-up vocabulary in GGUF form: ids 0...255 are the single bytes (byte-level strings),
/// then merged tokens.
private enum TinyVocabulary {
  // 256 "ab", 257 "abc", 258 "Ġa", 259 "Ġab", 260 "<|im_start|>"
  static let tokens = ByteTokens.all + ["ab", "abc", "Ġa", "Ġab", "<|im_start|>"]
  static let merges = ["a b", "ab c", "Ġ a", "Ġa b"]

  static func tokenizer(_ preTokenizer: PreTokenizer = .gpt2) throws -> BPETokenizer {
    try BPETokenizer(
      tokens: tokens, merges: merges, preTokenizer: preTokenizer,
      specialTokens: ["<|im_start|>": 260])
  }
}

@Suite struct BPETokenizerTests {
  @Test func byteTokensFollowTheSpec() {
    #expect(ByteTokens.all[0x20] == "Ġ")
    #expect(ByteTokens.all[0x0A] == "Ċ")
    #expect(ByteTokens.all[0xA0] == "ł")
    #expect(ByteTokens.all[0xAD] == "Ń")
    #expect(ByteTokens.all[0x41] == "A")
  }

  @Test func mergesByRank() throws {
    let tokenizer = try TinyVocabulary.tokenizer()
    #expect(tokenizer.vocabularySize == 261)
    // "a b" (rank 0) goes before "Ġ a" (rank 2), so " abd" becomes "Ġ" "ab" "d", never "Ġab".
    #expect(tokenizer.encode("abc abd ab") == [257, 32, 256, 100, 32, 256])
    #expect(tokenizer.encode(" ac") == [258, 99])
    #expect(tokenizer.encode("ba") == [98, 97])
    #expect(tokenizer.decode([257, 259, 100]) == "abc abd")
    #expect(tokenizer.id(of: "Ġab") == 259)
    #expect(tokenizer.token(of: 257) == "abc")
  }

  @Test func specialTokensOnlyWhenAllowed() throws {
    let tokenizer = try TinyVocabulary.tokenizer()
    #expect(tokenizer.encode("<|im_start|>ab", allowSpecial: true) == [260, 256])
    #expect(tokenizer.encode("<|im_start|>ab", addingBOS: 7, allowSpecial: true) == [7, 260, 256])
    #expect(tokenizer.encode("<|im_start|>").count == 12)
    #expect(tokenizer.decode([260, 256]) == "<|im_start|>ab")
    #expect(tokenizer.decode([260, 256], skippingSpecial: true) == "ab")
  }

  @Test func smollmDigitsAreSeparatePieces() throws {
    let tokenizer = try TinyVocabulary.tokenizer(.smollm)
    // "ab12" → "ab" "1" "2"; under gpt2 "12" would be one piece of two byte tokens anyway,
    // so also check that merges never cross a digit boundary: "a1b" stays three tokens.
    #expect(tokenizer.encode("ab12") == [256, 49, 50])
    #expect(tokenizer.encode(" a1b") == [258, 49, 98])
  }

  @Test func longPieceMergesInOrder() throws {
    let tokenizer = try TinyVocabulary.tokenizer()
    let text = String(repeating: "abc", count: 5_000)
    #expect(tokenizer.encode(text) == Array(repeating: 257, count: 5_000))
  }

  @Test func rejectsBadLists() {
    let bytes = ByteTokens.all
    #expect(
      throws: TokenizerError.malformedMerge(source: "tokenizer.ggml.merges", line: 2, text: "a  b")
    ) {
      try BPETokenizer(
        tokens: bytes + ["ab"], merges: ["a b", "a  b"], preTokenizer: .gpt2, specialTokens: [:])
    }
    #expect(
      throws: TokenizerError.mergeTokenMissing(
        source: "tokenizer.ggml.merges", line: 1, token: "ab")
    ) {
      try BPETokenizer(tokens: bytes, merges: ["a b"], preTokenizer: .gpt2, specialTokens: [:])
    }
    #expect(
      throws: TokenizerError.specialTokenOutOfRange(token: "<x>", id: 256, vocabularySize: 256)
    ) {
      try BPETokenizer(tokens: bytes, merges: [], preTokenizer: .gpt2, specialTokens: ["<x>": 256])
    }
    #expect(throws: TokenizerError.emptySpecialToken(id: 3)) {
      try BPETokenizer(tokens: bytes, merges: [], preTokenizer: .gpt2, specialTokens: ["": 3])
    }
  }

  @Test func bytesWithoutATokenAreDropped() throws {
    var tokens = ByteTokens.all
    tokens[4] = "<unused>"  // byte 0x04 has no token, as in SmolLM2's vocabulary
    let tokenizer = try BPETokenizer(tokens: tokens, merges: [], preTokenizer: .gpt2, specialTokens: [:])
    let a = try #require(tokenizer.id(of: "a"))
    let b = try #require(tokenizer.id(of: "b"))
    #expect(tokenizer.encode("a\u{4}b") == [a, b])
  }

  @Test func repeatedStringsAndLiteralTokens() throws {
    // 256 "ab", 257 "ab" again, 258 "日本" (outside the byte-level alphabet: its own UTF-8),
    // 259 "Xy" given the special text "<|y|>", 260 "" (an empty string).
    let tokens = ByteTokens.all + ["ab", "ab", "日本", "Xy", ""]
    let tokenizer = try BPETokenizer(
      tokens: tokens, merges: ["a b"], preTokenizer: .gpt2, specialTokens: ["<|y|>": 259])
    #expect(tokenizer.vocabularySize == 261)
    #expect(tokenizer.id(of: "ab") == 256)
    #expect(tokenizer.token(of: 257) == "ab")
    #expect(tokenizer.encode("ab") == [256])
    #expect(tokenizer.id(of: "日本") == 258)
    #expect(tokenizer.bytes(of: 258) == Array("日本".utf8))
    #expect(tokenizer.token(of: 259) == "Xy")
    #expect(tokenizer.bytes(of: 259) == Array("<|y|>".utf8))
    #expect(tokenizer.id(of: "<|y|>") == nil)
    #expect(tokenizer.id(of: "Xy") == 259)
    #expect(tokenizer.id(of: "") == 260)
    #expect(tokenizer.bytes(of: 260) == [])
    #expect(tokenizer.bytes(of: 0x20) == [0x20])
    #expect(tokenizer.bytes(of: 0xA0) == [0xA0])
    #expect(tokenizer.bytes(of: 261) == nil)
    #expect(tokenizer.bytes(of: -1) == nil)
    #expect(tokenizer.token(of: 261) == nil)
    #expect(tokenizer.id(of: "abc") == nil)
    #expect(tokenizer.decode([258, 256, 259, 0x20]) == "日本ab<|y|> ")
  }

  @Test func namesTheMissingMergeToken() {
    let tokens = ByteTokens.all + ["ab", "日"]
    #expect(
      throws: TokenizerError.mergeTokenMissing(
        source: "tokenizer.ggml.merges", line: 2, token: "本")
    ) {
      try BPETokenizer(
        tokens: tokens, merges: ["a b", "日 本"], preTokenizer: .gpt2, specialTokens: [:])
    }
    #expect(
      throws: TokenizerError.mergeTokenMissing(
        source: "tokenizer.ggml.merges", line: 1, token: "日a")
    ) {
      try BPETokenizer(tokens: tokens, merges: ["日 a"], preTokenizer: .gpt2, specialTokens: [:])
    }
    for bad in [" ab", "ab ", "ab", "a b c"] {
      #expect(
        throws: TokenizerError.malformedMerge(source: "tokenizer.ggml.merges", line: 1, text: bad)
      ) {
        try BPETokenizer(tokens: tokens, merges: [bad], preTokenizer: .gpt2, specialTokens: [:])
      }
    }
  }
}
