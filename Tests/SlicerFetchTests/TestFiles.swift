import Foundation

@testable import SlicerFetch

/// Scratch directories and deterministic file contents for the fetch tests.
enum TestFiles {
  /// A fresh empty directory under the system temp directory.
  static func scratchDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("slicer-fetch-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// `count` pseudo-random bytes (a 32-bit LCG), the same for the same `seed`.
  static func bytes(_ count: Int, seed: UInt32) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
      state = state &* 1_664_525 &+ 1_013_904_223
      return UInt8(truncatingIfNeeded: state >> 24)
    }
  }

  static func sha256(_ bytes: [UInt8]) -> String { SHA256.hexString(SHA256.hash(bytes)) }

  static func contents(_ url: URL) -> [UInt8]? {
    FileManager.default.contents(atPath: url.path).map { [UInt8]($0) }
  }

  static func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }
}

/// Collects progress reports from the downloader's background queue.
final class ProgressLog: @unchecked Sendable {
  private let lock = NSLock()
  private var items: [DownloadProgress] = []

  var reports: [DownloadProgress] { lock.withLock { items } }

  func record(_ progress: DownloadProgress) { lock.withLock { items.append(progress) } }
}
