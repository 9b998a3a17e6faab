import Foundation
import SlicerTestSupport
import SlicerTokenizer

/// OPT's tokenizer files and Hugging Face's reference ids (Tests/Fixtures/opt-tokenizer).
enum OPTFixtures {
  struct Vectors: Decodable {
    struct Vector: Decodable {
      var text: String
      /// Hugging Face's ids, with BOS `</s>`=2 first.
      var ids: [Int]
      var decoded: String
    }
    struct WikiText2: Decodable {
      var recipe: String
      var text_sha256: String
      var token_count_with_bos: Int
      var ids_sha256: String
      var first_32_ids: [Int]
    }
    var vectors: [Vector]
    var wikitext2_test: WikiText2
  }

  static let vocabJSON = Fixtures.url("opt-tokenizer/vocab.json")
  static let mergesTXT = Fixtures.url("opt-tokenizer/merges.txt")

  /// Loaded once for all tests; nil (and the tests fail) if the fixture cannot be read.
  static let tokenizer: BPETokenizer? = try? OPTTokenizer.load(
    vocabJSON: vocabJSON, mergesTXT: mergesTXT)

  static let vectors: Vectors? = {
    guard let data = try? Data(contentsOf: Fixtures.url("opt-tokenizer/vectors.json")) else {
      return nil
    }
    return try? JSONDecoder().decode(Vectors.self, from: data)
  }()
}
