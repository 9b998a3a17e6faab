import Foundation
import SlicerCodec
import SlicerTestSupport
import Testing

/// One golden-transcript case: a file in Tests/Fixtures/transcripts/cases/, e.g.
///
///     {
///       "about": "Tiny OPT: a three-turn conversation at every split and codec.",
///       "model": "Tests/Fixtures/tiny-opt",
///       "prompt": "Prompts/basics.prompt",
///       "splits": [0, 2, 4],
///       "codecs": ["none", "int8", "slicer:1e-3", "topk:0.25:4"],
///       "max_tokens": 32
///     }
///
/// Each split × codec is a variant, whose golden is
/// `golden/<case>/split-<S>_<codec>.md` — exactly what
/// `slicer replay <prompt> --model <model> --split <S> --codec <codec> --max-tokens <N>` writes
/// (`max_tokens` is optional, 32 as in the command). Paths are relative to the repository.
struct GoldenCase: Decodable {
  var about: String
  var model: String
  var prompt: String
  var splits: [Int]
  var codecs: [String]
  var maxTokens: Int?

  enum CodingKeys: String, CodingKey {
    case about, model, prompt, splits, codecs
    case maxTokens = "max_tokens"
  }
}

/// One split × codec of a case, with where its golden lives.
struct GoldenVariant: Sendable, CustomTestStringConvertible {
  var caseName: String
  var model: String
  var prompt: String
  var split: Int
  var codec: CodecSpec
  var maxTokens: Int

  /// `golden/<case>/split-2_slicer-0.001.md`, relative to `GoldenCases.root`.
  var goldenPath: String {
    let codecName = codec.description.replacingOccurrences(of: ":", with: "-")
      .replacingOccurrences(of: "=", with: "")
    return "golden/\(caseName)/split-\(split)_\(codecName).md"
  }

  var goldenURL: URL { GoldenCases.root.appendingPathComponent(goldenPath) }

  /// The command that writes (or checks) this golden.
  var command: String {
    "slicer replay \(prompt) --model \(model) --split \(split) --codec \(codec) --max-tokens "
      + "\(maxTokens) --check Tests/Fixtures/transcripts/\(goldenPath)"
  }

  var testDescription: String { "\(caseName) split \(split) codec \(codec)" }
}

/// The cases directory, read once: adding a case is adding a file there.
enum GoldenCases {
  static let root = Fixtures.url("transcripts")

  /// Every variant of every readable case, and a sentence per case file that is not.
  static let (all, problems): ([GoldenVariant], [String]) = load()

  /// Variants whose model ships with the repository, and those that need Weights/.
  static var withFixtureModels: [GoldenVariant] { all.filter { !$0.model.hasPrefix("Weights/") } }
  static var withWeightModels: [GoldenVariant] { all.filter { $0.model.hasPrefix("Weights/") } }

  static var absentModels: [String] {
    Array(Set(withWeightModels.map(\.model).filter { !TestModels.isPresent($0) })).sorted()
  }

  static var absentNote: Comment {
    Comment(
      rawValue: "model not present (\(absentModels.joined(separator: ", "))); "
        + "\(withWeightModels.count) golden transcripts skipped; scripts/fetch-smollm2.sh gets SmolLM2"
    )
  }

  private static func load() -> ([GoldenVariant], [String]) {
    let directory = root.appendingPathComponent("cases")
    let names =
      ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
      .filter { $0.hasSuffix(".json") }.sorted()
    var variants: [GoldenVariant] = []
    var problems: [String] = []
    for name in names {
      let caseName = String(name.dropLast(".json".count))
      do {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        let entry = try JSONDecoder().decode(GoldenCase.self, from: data)
        guard !entry.splits.isEmpty, !entry.codecs.isEmpty else {
          problems.append("\(name): needs at least one split and one codec")
          continue
        }
        for split in entry.splits {
          for codec in entry.codecs {
            variants.append(
              GoldenVariant(
                caseName: caseName, model: entry.model, prompt: entry.prompt, split: split,
                codec: try CodecSpec(parsing: codec), maxTokens: entry.maxTokens ?? 32))
          }
        }
      } catch {
        problems.append("\(name): \(error)")
      }
    }
    return (variants, problems)
  }
}
