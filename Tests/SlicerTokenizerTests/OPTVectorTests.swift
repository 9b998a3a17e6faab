import SlicerTokenizer
import Testing

@Suite struct OPTVectorTests {
  @Test func loadsOPTVocabulary() throws {
    let tokenizer = try #require(OPTFixtures.tokenizer)
    #expect(tokenizer.vocabularySize == 50_265)
    #expect(tokenizer.id(of: "</s>") == 2)
    #expect(tokenizer.id(of: "Ġthe") == 5)
    #expect(tokenizer.token(of: 31414) == "Hello")
    #expect(tokenizer.token(of: 50_265) == nil)
    #expect(tokenizer.token(of: -1) == nil)
    #expect(tokenizer.bytes(of: 1437) == [0x20])
  }

  @Test(arguments: OPTFixtures.vectors?.vectors.indices.map { $0 } ?? [])
  func encodesLikeHuggingFace(index: Int) throws {
    let tokenizer = try #require(OPTFixtures.tokenizer)
    let vector = try #require(OPTFixtures.vectors?.vectors[index])
    #expect(tokenizer.encode(vector.text, addingBOS: OPTTokenizer.bosID) == vector.ids)
    #expect(tokenizer.encode(vector.text) == Array(vector.ids.dropFirst()))
  }

  @Test(arguments: OPTFixtures.vectors?.vectors.indices.map { $0 } ?? [])
  func decodesLikeHuggingFace(index: Int) throws {
    let tokenizer = try #require(OPTFixtures.tokenizer)
    let vector = try #require(OPTFixtures.vectors?.vectors[index])
    #expect(tokenizer.decode(vector.ids, skippingSpecial: true) == vector.decoded)
    #expect(tokenizer.decode(Array(vector.ids.dropFirst())) == vector.decoded)
    #expect(tokenizer.decode(vector.ids) == "</s>" + vector.decoded)
  }

  @Test func fixtureHasAllVectors() throws {
    #expect(try #require(OPTFixtures.vectors).vectors.count == 24)
  }

  @Test func specialTokensArePlainTextByDefault() throws {
    let tokenizer = try #require(OPTFixtures.tokenizer)
    // Hugging Face: "<s>" → "<s" ">", "</s>" → "</s" ">" (see vectors.json).
    #expect(tokenizer.encode("<s> and </s>") == [41552, 29, 15698, 8, 49703, 29, 15698])
  }

  @Test func specialTokensMatchWhenAllowed() throws {
    let tokenizer = try #require(OPTFixtures.tokenizer)
    #expect(
      tokenizer.encode("<s> and </s>", allowSpecial: true) == [0, 8, 1437, 2])
    #expect(tokenizer.encode("</s></s>x<pad>", allowSpecial: true) == [2, 2, 1178, 1])
    #expect(tokenizer.encode("<unk", allowSpecial: true) == tokenizer.encode("<unk"))
    #expect(tokenizer.decode([2, 1178, 1], skippingSpecial: true) == "x")
  }

  @Test func decodeReplacesOnlyInvalidUTF8() throws {
    let tokenizer = try #require(OPTFixtures.tokenizer)
    // "🚀" (F0 9F 9A 80) is split over tokens 6569 15113 7471 (vectors.json): whole when joined...
    #expect(tokenizer.decode([6569, 15113, 7471]) == "🚀")
    // ...and U+FFFD when cut short.
    #expect(tokenizer.decode([6569, 15113]) == "\u{FFFD}")
    #expect(tokenizer.decode([8, 999_999, -5, 8]) == " and and")
  }
}
