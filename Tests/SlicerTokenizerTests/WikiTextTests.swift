import Foundation
import SlicerFetch
import SlicerTestSupport
import SlicerTokenizer
import Testing

@Suite struct WikiTextTests {
  /// The evaluation text of WikiText-2's test split (see `WikiText.joinRows`).
  static let text: String? = {
    let url = Fixtures.url("wikitext-2-raw/wiki.test.raw")
    return (try? String(contentsOf: url, encoding: .utf8)).map(WikiText.joinRows)
  }()

  @Test func joinRowsKeepsNewlinesAndEmptiesBlankLines() {
    #expect(WikiText.joinRows(" \n = A = \n \n B \n") == "\n\n = A = \n\n\n\n\n B \n")
    #expect(WikiText.joinRows("a\nb") == "a\n\n\nb")
    #expect(WikiText.joinRows("\t \u{A0}\n") == "")
    #expect(WikiText.joinRows("") == "")
  }

  @Test func joinedTextMatchesReferenceHash() throws {
    let text = try #require(Self.text)
    let expected = try #require(OPTFixtures.vectors).wikiText2Test
    #expect(text.utf8.count == 1_296_370)
    #expect(SHA256.hexString(SHA256.hash(Array(text.utf8))) == expected.textSHA256)
  }

  /// `ids_sha256` in vectors.json is the sha256 of the ids written in decimal and joined by ","
  /// with no spaces or brackets ("2,50140,5457,..."); little-endian Int32/Int64 bytes and JSON
  /// spellings give other digests.
  @Test func encodesWholeTestSplitLikeHuggingFace() throws {
    let tokenizer = try #require(OPTFixtures.tokenizer)
    let text = try #require(Self.text)
    let expected = try #require(OPTFixtures.vectors).wikiText2Test
    let ids = tokenizer.encode(text, addingBOS: OPTTokenizer.bosID)
    #expect(ids.count == 287_645)
    #expect(ids.count == expected.tokenCountWithBOS)
    #expect(Array(ids.prefix(32)) == expected.first32IDs)
    #expect(
      SHA256.hexString(SHA256.hash(Array(ids.map(String.init).joined(separator: ",").utf8)))
        == expected.idsSHA256)
    #expect(tokenizer.decode(Array(ids.dropFirst())) == text)
  }
}
