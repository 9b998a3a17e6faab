import Foundation
import SlicerCheckpoint
import SlicerTestSupport
import Testing

/// Random byte flips in the structural parts of the fixtures: every variant must either open
/// (and then read consistently) or throw a CheckpointError — never trap.
@Suite struct FuzzTests {
  static let seeds: Range<UInt64> = 0..<200

  /// Copies `source` into a temporary file, then for every seed XORs 1–4 random bytes at
  /// offsets drawn from `regions`, opens it, and restores the original bytes.
  static func fuzz(
    _ source: URL, regions: (Int) -> [Range<Int>],
    open: (URL) throws(CheckpointError) -> any TensorStore
  ) throws -> (opened: Int, refused: Int) {
    let original = try Data(contentsOf: source)
    let spans = regions(original.count)
    let total = spans.reduce(0) { $0 + $1.count }
    return try withTemporaryDirectory { directory in
      let url = directory.appendingPathComponent(source.lastPathComponent)
      try original.write(to: url)
      let handle = try FileHandle(forUpdating: url)
      defer { try? handle.close() }
      var opened = 0
      var refused = 0
      for seed in seeds {
        var random = SplitMix64(seed: seed)
        var offsets: [Int] = []
        for _ in 0..<Int.random(in: 1...4, using: &random) {
          var pick = Int.random(in: 0..<total, using: &random)
          for span in spans {
            if pick < span.count {
              offsets.append(span.lowerBound + pick)
              break
            }
            pick -= span.count
          }
        }
        for offset in offsets {
          try handle.seek(toOffset: UInt64(offset))
          try handle.write(contentsOf: [
            original[offset] ^ UInt8.random(in: 1...255, using: &random)
          ])
        }
        do throws(CheckpointError) {
          let store = try open(url)
          opened += 1
          for (name, info) in store.tensors {
            #expect(try store.rawBytes(name).count == info.count * info.dtype.size, "seed \(seed)")
            if info.count <= 65536 {
              #expect(try store.floats(name).count == info.count, "seed \(seed)")
            }
          }
        } catch {
          refused += 1
          #expect(!error.description.isEmpty)
        }
        for offset in offsets {
          try handle.seek(toOffset: UInt64(offset))
          try handle.write(contentsOf: [original[offset]])
        }
      }
      return (opened, refused)
    }
  }

  @Test func safetensorsHeaderFlips() throws {
    let (opened, refused) = try Self.fuzz(
      FixtureTests.safetensorsURL, regions: { _ in [0..<(8 + 7400)] },
      open: { (url) throws(CheckpointError) in try SafetensorsFile(url: url) })
    #expect(opened + refused == Self.seeds.count)
    #expect(refused > 0)
  }

  @Test func pytorchStructureFlips() throws {
    // The first 8 KB hold the local header and data.pkl; the central directory and end records
    // are the last 74 × 100-odd bytes.
    let (opened, refused) = try Self.fuzz(
      FixtureTests.pytorchURL, regions: { count in [0..<8192, (count - 6000)..<count] },
      open: { (url) throws(CheckpointError) in try PyTorchCheckpoint(url: url) })
    #expect(opened + refused == Self.seeds.count)
    #expect(refused > 0)
  }
}
