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
      var textSHA256: String
      var tokenCountWithBOS: Int
      /// sha256 of the ids in decimal joined by "," (see WikiTextTests).
      var idsSHA256: String
      var first32IDs: [Int]

      enum CodingKeys: String, CodingKey {
        case recipe
        case textSHA256 = "text_sha256"
        case tokenCountWithBOS = "token_count_with_bos"
        case idsSHA256 = "ids_sha256"
        case first32IDs = "first_32_ids"
      }
    }
    var vectors: [Vector]
    var wikiText2Test: WikiText2

    enum CodingKeys: String, CodingKey {
      case vectors
      case wikiText2Test = "wikitext2_test"
    }
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
