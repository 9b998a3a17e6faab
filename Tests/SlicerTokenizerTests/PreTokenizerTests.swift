import SlicerTokenizer
import Testing

@Suite struct PreTokenizerTests {
  @Test func gpt2SplitsLikeItsPattern() {
    let split = { (text: String) in PreTokenizer.gpt2.split(text).map(String.init) }
    #expect(split("Hello world's 2026!") == ["Hello", " world", "'s", " 2026", "!"])
    #expect(
      split("I'm we'll they've it'd you're don't") == [
        "I", "'m", " we", "'ll", " they", "'ve", " it", "'d", " you", "'re", " don", "'t",
      ])
    // Contractions are case-sensitive; a run of punctuation swallows the apostrophe.
    #expect(split("IT'S a''s") == ["IT", "'", "S", " a", "''", "s"])
    // Whitespace: a run before a word leaves its last scalar to the word; at the end it stays whole.
    #expect(split("a   b  ") == ["a", "  ", " b", "  "])
    #expect(split("a\n\nb") == ["a", "\n", "\n", "b"])
    #expect(split("x \n y") == ["x", " \n", " y"])
    #expect(split("a\u{A0}b") == ["a", "\u{A0}", "b"])
    #expect(split(" ?!. ok") == [" ?!.", " ok"])
    #expect(split("é日本3²") == ["é日本", "3²"])
    #expect(split("") == [])
  }

  @Test func smollmIsolatesEveryDigitFirst() {
    let split = { (text: String) in PreTokenizer.smollm.split(text).map(String.init) }
    #expect(
      split("Hello world's 2026!") == [
        "Hello", " world", "'s", " ", "2", "0", "2", "6", "!",
      ])
    // The GPT-2 pattern then runs on the text between digits, each stretch ending on its own.
    #expect(split("abc  123 def") == ["abc", "  ", "1", "2", "3", " def"])
    #expect(split("x²y") == ["x", "²", "y"])
    #expect(split("v1.5") == ["v", "1", ".", "5"])
  }
}
