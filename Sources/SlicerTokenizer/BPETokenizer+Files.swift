import Foundation

extension BPETokenizer {
  /// Reads a Hugging Face GPT-2-style pair of files.
  ///
  /// - `vocab.json`: one JSON object, token string (byte-level form, e.g. `"Ġthe"`) → id.
  /// - `merges.txt`: one merge `"a b"` per line, highest priority first; a first line starting
  ///   with `#version` is a comment. Blank lines are skipped; `\r\n` line ends are accepted.
  ///
  /// For OPT use `OPTTokenizer.load(vocabJSON:mergesTXT:)`, which adds OPT's special tokens.
  public init(
    vocabJSON: URL, mergesTXT: URL, specialTokens: [String: Int] = [:],
    preTokenizer: PreTokenizer = .gpt2
  ) throws(TokenizerError) {
    let vocabulary = try Self.readVocabulary(vocabJSON)
    let mergeLines = try Self.readMerges(mergesTXT)
    try self.init(
      vocabulary: vocabulary, vocabularySource: vocabJSON.path, mergeLines: mergeLines,
      mergesSource: mergesTXT.path, preTokenizer: preTokenizer, specialTokens: specialTokens)
  }

  private static func readFile(_ url: URL) throws(TokenizerError) -> Data {
    do {
      return try Data(contentsOf: url)
    } catch {
      let reason =
        FileManager.default.fileExists(atPath: url.path)
        ? error.localizedDescription : "no such file"
      throw .fileUnreadable(path: url.path, reason: reason)
    }
  }

  /// The token strings of `vocab.json`, indexed by id (nil where an id is unused).
  static func readVocabulary(_ url: URL) throws(TokenizerError) -> [String?] {
    let data = try readFile(url)
    let entries: [String: Int]
    do {
      entries = try JSONDecoder().decode([String: Int].self, from: data)
    } catch {
      throw .malformedVocabulary(source: url.path, reason: Self.describe(error))
    }
    guard !entries.isEmpty else {
      throw .malformedVocabulary(source: url.path, reason: "it has no tokens")
    }
    var largest = 0
    for (token, id) in entries {
      guard (0..<maximumVocabularySize).contains(id) else {
        throw .tokenIDOutOfRange(
          source: url.path, token: token, id: id, limit: maximumVocabularySize)
      }
      largest = max(largest, id)
    }
    var vocabulary = [String?](repeating: nil, count: largest + 1)
    // Sorted so that a duplicate id is reported the same way on every run.
    for (token, id) in entries.sorted(by: { $0.key < $1.key }) {
      if let first = vocabulary[id] {
        throw .duplicateTokenID(source: url.path, id: id, first: first, second: token)
      }
      vocabulary[id] = token
    }
    return vocabulary
  }

  /// The merge lines of `merges.txt`, without the `#version` comment and blank lines.
  static func readMerges(_ url: URL) throws(TokenizerError) -> [MergeLine] {
    let data = try readFile(url)
    guard let text = String(data: data, encoding: .utf8) else {
      throw .malformedMerge(source: url.path, line: 0, text: "(the file is not UTF-8)")
    }
    var lines: [MergeLine] = []
    var number = 0
    // Split on scalars: as Characters, "\r\n" is one grapheme that "\n" would not match.
    for scalars in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
      number += 1
      var line = Substring(scalars)
      if line.unicodeScalars.last == "\r" { line = Substring(line.unicodeScalars.dropLast()) }
      if line.isEmpty || (number == 1 && line.hasPrefix("#version")) { continue }
      lines.append(MergeLine(text: line, line: number))
    }
    return lines
  }

  private static func describe(_ error: any Error) -> String {
    switch error {
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
      DecodingError.keyNotFound(_, let context), DecodingError.dataCorrupted(let context):
      let path = context.codingPath.map(\.stringValue).joined(separator: ".")
      return path.isEmpty
        ? context.debugDescription : "at \(path.debugDescription): \(context.debugDescription)"
    default:
      return String(describing: error)
    }
  }
}
