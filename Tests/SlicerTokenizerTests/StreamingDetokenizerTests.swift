import SlicerTokenizer
import Testing

@Suite struct StreamingDetokenizerTests {
  @Test func multiByteTextComesOutWholeOneIdAtATime() throws {
    let tokenizer = try #require(OPTFixtures.tokenizer)
    let text = "Grüße, émigré! 🤖🚀 日本語のテキスト 🇫🇷 Ελληνικά end"
    let ids = tokenizer.encode(text)
    var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
    var chunks: [String] = []
    for id in ids { chunks.append(detokenizer.append(id)) }
    chunks.append(detokenizer.flush())
    #expect(chunks.joined() == text)
    #expect(!chunks.contains { $0.unicodeScalars.contains("\u{FFFD}") })
    // Some ids end inside a character, so some appends must have held bytes back.
    #expect(chunks.contains(""))
    #expect(ids.count > text.count / 2)
  }

  @Test func holdsBackUntilTheCharacterIsComplete() throws {
    let tokenizer = try #require(OPTFixtures.tokenizer)
    // "🚀" is F0 9F 9A 80 over ids 6569 (F0 9F), 15113 (9A), 7471 (80); 8 is " and".
    var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
    #expect([6569, 15113, 7471, 8].map { detokenizer.append($0) } == ["", "", "🚀", " and"])
    #expect(detokenizer.flush() == "")
  }

  @Test func brokenBytesBecomeReplacementCharacters() throws {
    let tokenizer = try #require(OPTFixtures.tokenizer)
    var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
    // A lone continuation byte can never complete: emitted at once.
    #expect(detokenizer.append(15113) == "\u{FFFD}")
    // A lead byte followed by ASCII is broken as soon as the ASCII arrives.
    #expect(detokenizer.append(6569) == "")
    #expect(detokenizer.append(8) == "\u{FFFD} and")
    // An unfinished sequence left at the end comes out on flush.
    #expect(detokenizer.append(6569) == "")
    #expect(detokenizer.flush() == "\u{FFFD}")
    #expect(detokenizer.append(999_999) == "")
  }

  @Test func canSkipSpecialTokens() throws {
    let tokenizer = try #require(OPTFixtures.tokenizer)
    var plain = StreamingDetokenizer(tokenizer: tokenizer)
    var skipping = StreamingDetokenizer(tokenizer: tokenizer, skippingSpecial: true)
    #expect([2, 31414].map { plain.append($0) } == ["</s>", "Hello"])
    #expect([2, 31414].map { skipping.append($0) } == ["", "Hello"])
  }
}
