import Foundation
import SlicerTokenizer
import Testing

/// Errors for broken `vocab.json` / `merges.txt` files, each naming the file.
@Suite struct TokenizerFileTests {
  /// A scratch directory holding a vocab.json and merges.txt with the given contents.
  private func files(vocab: String, merges: String) throws -> (URL, URL) {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("slicer-tokenizer-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let vocabURL = directory.appendingPathComponent("vocab.json")
    let mergesURL = directory.appendingPathComponent("merges.txt")
    try Data(vocab.utf8).write(to: vocabURL)
    try Data(merges.utf8).write(to: mergesURL)
    return (vocabURL, mergesURL)
  }

  private func removeDirectory(of file: URL) {
    try? FileManager.default.removeItem(at: file.deletingLastPathComponent())
  }

  /// A valid vocab.json: the 256 byte tokens, then "ab" = 256.
  private var goodVocab: String {
    var entries: [String: Int] = ["ab": 256]
    for (byte, token) in ByteTokens.all.enumerated() { entries[token] = byte }
    let data = (try? JSONSerialization.data(withJSONObject: entries)) ?? Data()
    return String(decoding: data, as: UTF8.self)
  }

  @Test func readsVersionCommentAndCRLF() throws {
    let (vocab, merges) = try files(vocab: goodVocab, merges: "#version: 0.2\r\na b\r\n")
    defer { removeDirectory(of: vocab) }
    let tokenizer = try BPETokenizer(vocabJSON: vocab, mergesTXT: merges)
    #expect(tokenizer.encode("abab") == [256, 256])
    #expect(tokenizer.vocabularySize == 257)
  }

  @Test func missingFileIsNamed() throws {
    let (vocab, _) = try files(vocab: goodVocab, merges: "")
    defer { removeDirectory(of: vocab) }
    let missing = vocab.deletingLastPathComponent().appendingPathComponent("nope.txt")
    #expect(throws: TokenizerError.fileUnreadable(path: missing.path, reason: "no such file")) {
      try BPETokenizer(vocabJSON: vocab, mergesTXT: missing)
    }
    let error = TokenizerError.fileUnreadable(path: missing.path, reason: "no such file")
    #expect(error.description.contains(missing.path))
  }

  @Test func malformedVocabularyIsNamed() throws {
    let (vocab, merges) = try files(vocab: "{\"a\": \"one\"}", merges: "")
    defer { removeDirectory(of: vocab) }
    do {
      _ = try BPETokenizer(vocabJSON: vocab, mergesTXT: merges)
      Issue.record("expected an error")
    } catch {
      guard case .malformedVocabulary(let source, _) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(source == vocab.path)
      #expect(error.description.contains(vocab.path))
    }
  }

  @Test func badIdsAreRejected() throws {
    let (negative, merges) = try files(vocab: "{\"a\": -1}", merges: "")
    defer { removeDirectory(of: negative) }
    #expect(
      throws: TokenizerError.tokenIDOutOfRange(
        source: negative.path, token: "a", id: -1, limit: BPETokenizer.maximumVocabularySize)
    ) { try BPETokenizer(vocabJSON: negative, mergesTXT: merges) }
    let (duplicate, merges2) = try files(vocab: "{\"a\": 0, \"b\": 0}", merges: "")
    defer { removeDirectory(of: duplicate) }
    #expect(
      throws: TokenizerError.duplicateTokenID(
        source: duplicate.path, id: 0, first: "a", second: "b")
    ) { try BPETokenizer(vocabJSON: duplicate, mergesTXT: merges2) }
  }

  @Test func badMergeLineNumberCountsTheComment() throws {
    let (vocab, merges) = try files(vocab: goodVocab, merges: "#version: 0.2\na b\nab\n")
    defer { removeDirectory(of: vocab) }
    #expect(throws: TokenizerError.malformedMerge(source: merges.path, line: 3, text: "ab")) {
      try BPETokenizer(vocabJSON: vocab, mergesTXT: merges)
    }
  }
}
