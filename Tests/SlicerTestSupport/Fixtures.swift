import Foundation

/// Locates the files under `Tests/Fixtures` from any test target, without resource bundles.
public enum Fixtures {
  /// `Tests/Fixtures`.
  public static let root: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // SlicerTestSupport
    .deletingLastPathComponent()  // Tests
    .appendingPathComponent("Fixtures")

  /// A file or directory under `Tests/Fixtures`, e.g. `Fixtures.url("tiny-opt/config.json")`.
  public static func url(_ relativePath: String) -> URL {
    root.appendingPathComponent(relativePath)
  }

  /// The repository's top level (for the built binary, `Weights/`, `Prompts/`).
  public static let repository: URL = root.deletingLastPathComponent().deletingLastPathComponent()
}
