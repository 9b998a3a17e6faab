import Testing

@testable import SlicerCodec

/// The encoder's reused memory and its sort: reuse must not change a single byte.
@Suite struct WorkspaceTests {
  /// One codec value encoding vectors of changing widths gives the bytes fresh codecs give.
  @Test func reusedWorkspaceGivesTheBytesOfAFreshOne() {
    let shared = CodecSpec.slicer(budget: 1e-3).makeCodec()
    var rng = SplitMix64(seed: 5)
    for d in [768, 100, 1, 768, 2048, 576] {
      for kind in SyntheticFeatures.Kind.allCases {
        let x = SyntheticFeatures.vector(kind, dimension: d, rng: &rng)
        let fresh = CodecSpec.slicer(budget: 1e-3).makeCodec().encode(x)
        #expect(shared.encode(x).bytes == fresh.bytes, "\(kind) d=\(d)")
      }
    }
  }

  /// The radix-plus-insertion sort equals a stable sort by key, ties in input order, on keys
  /// that share their top 16 bits often (few distinct values) and on spread-out keys.
  @Test(arguments: [0x3F, 0xFFFF_FFF])
  func sortIsAStableSortByKey(mask: Int) {
    var rng = SplitMix64(seed: UInt64(mask))
    let n = 1000
    let input = (0..<n).map { _ in UInt32(truncatingIfNeeded: rng.next()) & 0x7FFF_FFFF }
      .map { $0 & UInt32(mask) | (mask == 0x3F ? 0x4000_0000 : 0) }
    let items = UnsafeMutablePointer<UInt64>.allocate(capacity: 2 * n)
    let counts = UnsafeMutablePointer<Int32>.allocate(capacity: 512)
    defer {
      items.deallocate()
      counts.deallocate()
    }
    for i in 0..<n { items[i] = UInt64(input[i]) << 32 | UInt64(i) }
    let sorted = SignStream.sort(items, count: n, counts: counts)
    let expected = input.indices.sorted { (input[$0], $0) < (input[$1], $1) }
    #expect((0..<n).map { Int(sorted[$0] & 0xFFFF_FFFF) } == expected)
    #expect((0..<n).map { UInt32(sorted[$0] >> 32) } == expected.map { input[$0] })
  }
}
