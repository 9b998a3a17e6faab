import Foundation
import SlicerModel
import SlicerReplay
import SlicerTestSupport
import Testing

/// Scripted transcripts: every case in Tests/Fixtures/transcripts/cases, replayed and compared
/// with its golden (timing lines aside). `SLICER_UPDATE_GOLDEN=1 swift test --filter
/// GoldenTranscriptTests` writes the goldens instead (review them with `git diff`).
struct GoldenTranscriptTests {
  static let updating = ProcessInfo.processInfo.environment["SLICER_UPDATE_GOLDEN"] == "1"

  @Test func everyCaseFileIsValid() {
    #expect(GoldenCases.problems.isEmpty, "\(GoldenCases.problems)")
    #expect(GoldenCases.withFixtureModels.count >= 24)
  }

  @Test func everyGoldenBelongsToACase() throws {
    let expected = Set(GoldenCases.all.map(\.goldenPath))
    let golden = GoldenCases.root.appendingPathComponent("golden")
    let found = (FileManager.default.enumerator(atPath: golden.path)?.allObjects as? [String] ?? [])
      .filter { $0.hasSuffix(".md") }.map { "golden/" + $0 }
    #expect(Set(found).subtracting(expected).isEmpty, "goldens without a case")
  }

  @Test(arguments: GoldenCases.withFixtureModels)
  func matchesItsGolden(_ variant: GoldenVariant) throws {
    try check(variant)
  }

  @Test(
    .enabled(if: GoldenCases.absentModels.isEmpty, GoldenCases.absentNote),
    arguments: GoldenCases.withWeightModels)
  func matchesItsGoldenOnARealModel(_ variant: GoldenVariant) throws {
    try check(variant)
  }

  func check(_ variant: GoldenVariant) throws {
    let loaded = try TestModels.load(variant.model)
    let bytes = try Data(
      contentsOf: Fixtures.repository.appendingPathComponent(variant.prompt))
    let prompt = try PromptFile(parsing: Array(bytes), path: variant.prompt)
    let split = variant.split
    let runner = ReplayRunner(
      loaded: loaded,
      start: ChatSettings(split: split, codec: variant.codec, maxTokens: variant.maxTokens))
    let transcript = Transcript.render(try runner.run(prompt))
    let url = variant.goldenURL
    let golden = FileManager.default.contents(atPath: url.path).map {
      String(decoding: $0, as: UTF8.self)
    }
    let diff = golden.map { GoldenCheck.compare(golden: $0, actual: transcript) }
    if Self.updating {
      // Only goldens that changed are written, so `git diff` shows just those.
      guard diff?.isEmpty != true else { return }
      try FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(Transcript.withoutRunLines(transcript).utf8).write(to: url)
      return
    }
    guard let diff else {
      let message =
        "no golden at \(url.path); write it with `SLICER_UPDATE_GOLDEN=1 swift test --filter "
        + "GoldenTranscriptTests` or `\(variant.command) --update`"
      Issue.record(Comment(rawValue: message))
      return
    }
    // Recorded as text: the rendered diff reads better than the diff value itself.
    if !diff.isEmpty {
      let message =
        diff.render(goldenName: variant.goldenPath, actualName: variant.prompt)
        + "(to accept: \(variant.command) --update)"
      Issue.record(Comment(rawValue: message))
    }
  }
}
