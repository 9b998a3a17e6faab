import Foundation

/// OPT's use of the GPT-2 tokenizer: its special ids, and that every text starts with `</s>`.
///
/// OPT (facebook/opt-*) prepends `</s>` (id 2) as the beginning-of-sequence token, and ends
/// generation on the same id. Hugging Face's tokenizer treats `<s>`/`</s>` written in a text as
/// plain text; `encode(_:addingBOS:allowSpecial:)` does the same unless asked otherwise.
public enum OPTTokenizer {
  /// `</s>`, put before every text.
  public static let bosID = 2
  /// `</s>`, which ends a generation.
  public static let eosID = 2
  /// `<pad>`.
  public static let padID = 1
  /// `<unk>` (never produced by byte-level BPE).
  public static let unknownID = 3
  /// OPT's special tokens, literal text → id.
  public static let specialTokens: [String: Int] = ["<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3]

  /// Reads OPT's `vocab.json` and `merges.txt` with OPT's special tokens.
  public static func load(vocabJSON: URL, mergesTXT: URL) throws(TokenizerError) -> BPETokenizer {
    try BPETokenizer(vocabJSON: vocabJSON, mergesTXT: mergesTXT, specialTokens: specialTokens)
  }

  /// Reads `vocab.json` and `merges.txt` from a model directory.
  public static func load(directory: URL) throws(TokenizerError) -> BPETokenizer {
    try load(
      vocabJSON: directory.appendingPathComponent("vocab.json"),
      mergesTXT: directory.appendingPathComponent("merges.txt"))
  }
}
