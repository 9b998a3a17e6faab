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

  /// The bucket-plus-insertion sort equals a stable sort by key, ties in input order, on keys
  /// that share their digit often (few distinct values) and on spread-out keys (most beyond
  /// the 16-octave window, so the overflow bucket takes the radix passes).
  @Test(arguments: [0x3F, 0xFFFF_FFF, 0x7FFF_FFFF])
  func sortIsAStableSortByKey(mask: Int) {
    var rng = SplitMix64(seed: UInt64(mask))
    let n = 1000
    let input = (0..<n).map { _ in UInt32(truncatingIfNeeded: rng.next()) & 0x7FFF_FFFF }
      .map { $0 & UInt32(mask) | (mask == 0x3F ? 0x4000_0000 : 0) }
    #expect(sorted(input) == reference(input))
  }

  /// Magnitudes over many octaves, with subnormals, repeated values and a few huge ones: the
  /// window starts at the largest, everything more than 16 octaves below shares the overflow
  /// bucket (here ~1/3 of the items), and the order is still the exact one.
  @Test func sortSpanningManyOctavesWithSubnormals() {
    var rng = SplitMix64(seed: 9)
    let n = 700
    let magnitudes: [Float] = (0..<n).map { i in
      switch i % 7 {
      case 0: Float(bitPattern: UInt32(1 + rng.next() % 0x7F_FFFF))  // subnormal
      case 1: 1e30 * Float(rng.unit() + 0.5)
      case 2: 0.25  // repeated: ties in index order
      default:  // 2^-60 … 2^20
        Float(sign: .plus, exponent: Int(rng.next() % 80) - 60, significand: Float(1 + rng.unit()))
      }
    }
    let keys = magnitudes.map { 0x7FFF_FFFF - $0.bitPattern }
    #expect(sorted(keys) == reference(keys))
    // The same items through `split`: descending magnitudes, ties by index.
    let signed = magnitudes.enumerated().map { $1 * ($0 % 2 == 0 ? 1 : -1) }
    let (positive, negative) = SignStream.split(signed)
    for (stream, parity) in [(positive, 0), (negative, 1)] {
      let expected = (0..<n).filter { $0 % 2 == parity }
        .sorted { (magnitudes[$0], $1) > (magnitudes[$1], $0) }
      #expect((0..<stream.count).map { Int(stream.indices[$0]) } == expected)
    }
  }

  /// The fallback radix passes alone: stable by the key's top 16 bits.
  @Test func radixSortIsStableByTopSixteenBits() {
    var rng = SplitMix64(seed: 3)
    let n = 500
    let items = UnsafeMutablePointer<UInt64>.allocate(capacity: 2 * n)
    let counts = UnsafeMutablePointer<Int32>.allocate(capacity: 512)
    defer {
      items.deallocate()
      counts.deallocate()
    }
    let keys = (0..<n).map { _ in UInt32(truncatingIfNeeded: rng.next()) & 0x7FFF_FFFF }
    for i in 0..<n { items[i] = UInt64(keys[i]) << 32 | UInt64(i) }
    let result = SignStream.radixSort(items, scratch: items + n, count: n, counts: counts)
    let expected = (0..<n).sorted { (keys[$0] >> 16, $0) < (keys[$1] >> 16, $1) }
    #expect((0..<n).map { Int(result[$0] & 0xFFFF_FFFF) } == expected)
  }

  /// `fill` sums the energy in index order (the value the codec's budget is computed from)
  /// and flags non-finite input.
  @Test func fillSumsEnergyInIndexOrder() {
    var rng = SplitMix64(seed: 4)
    let x = SyntheticFeatures.vector(.massive, dimension: 768, rng: &rng) + [0, -0.0, 3]
    var energy = 0.0
    for v in x { energy += Double(v) * Double(v) }
    let workspace = SlicerWorkspace()
    let summary = x.withUnsafeBufferPointer { workspace.load($0) }
    #expect(summary == SignStream.Summary(energy: energy, finite: true))
    #expect(workspace.positive.count + workspace.negative.count == x.count - 2)
    for bad: Float in [.infinity, -.infinity, .nan] {
      #expect(!(x + [bad]).withUnsafeBufferPointer { workspace.load($0) }.finite)
    }
  }

  /// Positions of `keys` (31-bit) in ascending (key, position) order, by `SignStream.sort`
  /// with the window start `fill` would give it.
  private func sorted(_ keys: [UInt32]) -> [Int] {
    let n = keys.count
    let items = UnsafeMutablePointer<UInt64>.allocate(capacity: 2 * n)
    defer { items.deallocate() }
    for i in 0..<n { items[i] = UInt64(keys[i]) << 32 | UInt64(i) }
    let first = Int(keys.min()!) >> (Int(SignStream.digitShift) - 32)
    let scratch = SignStream.SortScratch(capacity: n)
    let result = SignStream.sort(items, count: n, first: first, scratch: scratch)
    let positions = (0..<n).map { Int(result[$0] & 0xFFFF_FFFF) }
    #expect((0..<n).map { UInt32(result[$0] >> 32) } == positions.map { keys[$0] })
    return positions
  }

  private func reference(_ keys: [UInt32]) -> [Int] {
    keys.indices.sorted { (keys[$0], $0) < (keys[$1], $1) }
  }
}
