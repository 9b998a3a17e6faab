/// Why a tokenizer could not be built. `source` names the file (its path) or the data (e.g. GGUF's
/// `tokenizer.ggml.merges`) that holds the problem.
public enum TokenizerError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file is missing or cannot be read.
  case fileUnreadable(path: String, reason: String)
  /// The vocabulary is not a JSON object of token string → integer id.
  case malformedVocabulary(source: String, reason: String)
  /// An id is negative or not below `limit` (the largest vocabulary accepted).
  case tokenIDOutOfRange(source: String, token: String, id: Int, limit: Int)
  /// Two token strings claim the same id.
  case duplicateTokenID(source: String, id: Int, first: String, second: String)
  /// A merge line is not two tokens separated by one space.
  case malformedMerge(source: String, line: Int, text: String)
  /// A merge names a token, or produces one, that the vocabulary does not have.
  case mergeTokenMissing(source: String, line: Int, token: String)
  /// A special token's id is not an id of the vocabulary.
  case specialTokenOutOfRange(token: String, id: Int, vocabularySize: Int)
  /// A special token with empty text, which could never be matched.
  case emptySpecialToken(id: Int)
  /// The token strings add up to more bytes than the tokenizer can index (4 GiB).
  case vocabularyTooLarge(source: String, bytes: Int)

  public var description: String {
    switch self {
    case .fileUnreadable(let path, let reason):
      "Cannot read the tokenizer file \(path): \(reason). Check that the model directory holds it."
    case .malformedVocabulary(let source, let reason):
      "The vocabulary \(source) is malformed: \(reason). Expected a JSON object mapping each token to its integer id."
    case .tokenIDOutOfRange(let source, let token, let id, let limit):
      "The vocabulary \(source) gives token \(token.debugDescription) the id \(id), outside 0..<\(limit)."
    case .duplicateTokenID(let source, let id, let first, let second):
      "The vocabulary \(source) gives id \(id) to both \(first.debugDescription) and \(second.debugDescription)."
    case .malformedMerge(let source, let line, let text):
      "Line \(line) of the merges \(source) is \(text.debugDescription), not two tokens separated by one space."
    case .mergeTokenMissing(let source, let line, let token):
      "Line \(line) of the merges \(source) uses the token \(token.debugDescription), which the vocabulary lacks; the merges and the vocabulary do not belong together."
    case .specialTokenOutOfRange(let token, let id, let vocabularySize):
      "The special token \(token.debugDescription) has id \(id), but the vocabulary has ids 0..<\(vocabularySize)."
    case .emptySpecialToken(let id):
      "The special token with id \(id) has empty text; give each special token its literal text."
    case .vocabularyTooLarge(let source, let bytes):
      "The vocabulary \(source) holds at least \(bytes) bytes of token strings, more than the 4 GiB a tokenizer can index; it is not a real vocabulary."
    }
  }
}
