import Foundation
import SlicerCheckpoint

/// A fresh directory under the system temporary directory, removed after `body`.
func withTemporaryDirectory<T>(_ body: (URL) throws -> T) rethrows -> T {
  let directory = FileManager.default.temporaryDirectory
    .appendingPathComponent("slicer-checkpoint-tests-\(UUID().uuidString)")
  try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: directory) }
  return try body(directory)
}

/// Writes `bytes` to `directory/name` and returns its URL.
func write(_ bytes: [UInt8], to directory: URL, as name: String) throws -> URL {
  let url = directory.appendingPathComponent(name)
  try Data(bytes).write(to: url)
  return url
}

/// The `CheckpointError` `body` throws, or nil if it succeeds (or throws anything else,
/// which the caller's expectation then reports as a mismatch).
func checkpointError(_ body: () throws -> Void) -> CheckpointError? {
  do {
    try body()
    return nil
  } catch {
    return error as? CheckpointError
  }
}

/// A small deterministic generator (SplitMix64) so every fuzz seed reproduces.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

extension Array where Element == UInt8 {
  mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
    Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
  }
}
