import Foundation
import SlicerModel
import SlicerTestSupport
import Synchronization

/// Models the replay tests run, each loaded once per test process (SmolLM2 takes a moment).
enum TestModels {
  private static let cache = Mutex<[String: LoadedModel]>([:])

  /// The tiny random OPT fixture (4 layers, hidden 64, context 128; its text is gibberish).
  static let tinyPath = "Tests/Fixtures/tiny-opt"
  static let smolLM2Path = "Weights/smollm2-135m-instruct"

  static func tiny() throws -> LoadedModel { try load(tinyPath) }

  /// A model by its path relative to the repository.
  static func load(_ relativePath: String) throws -> LoadedModel {
    if let loaded = cache.withLock({ $0[relativePath] }) { return loaded }
    let loaded = try ModelLoader.load(Fixtures.repository.appendingPathComponent(relativePath).path)
    cache.withLock { $0[relativePath] = loaded }
    return loaded
  }

  static func isPresent(_ relativePath: String) -> Bool {
    FileManager.default.fileExists(
      atPath: Fixtures.repository.appendingPathComponent(relativePath).path)
  }
}
