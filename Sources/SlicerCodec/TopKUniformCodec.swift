/// Baseline `topk:FRACTION:BITS`: keep the K = round(FRACTION·d) (at least 1) largest-magnitude
/// entries and quantize them uniformly with BITS bits over [−a, a], a = their absmax.
///
/// Layout (bits most significant first, see `BitWriter`):
///
///     bytes 0…3   a, fp32 little-endian (finite, ≥ 0)
///     positions   if K·w < d, with w = ⌈log2 d⌉: the K indices ascending, w bits each;
///                 otherwise a d-bit occupancy bitmap with exactly K ones
///     values      K indices q ∈ 0..<2^BITS in position order;  x̂ = −a + (q + ½)·2a/2^BITS
///     padding     zero bits to the byte boundary
///
/// K and the position layout follow from d and the spec, so nothing else is sent.
/// Non-finite entries are treated as 0 (they have no faithful N-bit value).
struct TopKUniformCodec: FeatureCodec {
  let fraction: Double
  let bits: Int

  init(fraction: Double, bits: Int) {
    precondition(
      fraction > 0 && fraction <= 1 && (1...16).contains(bits), "invalid topk parameters")
    self.fraction = fraction
    self.bits = bits
  }

  var spec: CodecSpec { .topK(fraction: fraction, bits: bits) }

  func kept(dimension d: Int) -> Int {
    d == 0 ? 0 : min(d, max(1, Int((fraction * Double(d)).rounded())))
  }

  /// Bits per index in list form; the list is used when it is shorter than a bitmap.
  private static func indexWidth(_ d: Int) -> Int {
    d <= 1 ? 0 : Int.bitWidth - (d - 1).leadingZeroBitCount
  }
  private static func positionBits(d: Int, k: Int) -> (bits: Int, isList: Bool) {
    let list = k * indexWidth(d)
    return list < d ? (list, true) : (d, false)
  }

  func encode(_ x: [Float]) -> EncodedFeature {
    precondition(x.count <= CodecLimits.maxDimension, "vector wider than CodecLimits.maxDimension")
    let clock = ContinuousClock()
    let start = clock.now
    let original = x
    let x = x.map { $0.isFinite ? $0 : 0 }  // non-finite entries are sent as 0
    let d = x.count
    let k = kept(dimension: d)
    let positions = Self.largest(k, of: x)
    var absmax: Float = 0
    for p in positions { absmax = max(absmax, x[p].magnitude) }

    var writer = BitWriter(reservingBytes: 4 + (d + k * bits) / 8 + 1)
    let a = absmax.bitPattern
    writer.write(UInt64(a.byteSwapped), count: 32)  // little-endian bytes
    let layout = Self.positionBits(d: d, k: k)
    if layout.isList {
      for p in positions { writer.write(UInt64(p), count: Self.indexWidth(d)) }
    } else {
      var next = 0
      for i in 0..<d {
        let hit = next < positions.count && positions[next] == i
        if hit { next += 1 }
        writer.write(hit)
      }
    }
    let levels = 1 << bits
    let step = 2 * Double(absmax) / Double(levels)
    for p in positions {
      var q = 0
      if step > 0 {
        let cell = (Double(x[p]) + Double(absmax)) / step
        q = !(cell > 0) ? 0 : (cell >= Double(levels - 1) ? levels - 1 : Int(cell))
      }
      writer.write(UInt64(q), count: bits)
    }
    let bytes = writer.finish()
    let decoded = (try? decode(bytes, dimension: d)) ?? []
    let total = 8 * bytes.count
    let stats = StepStats(
      totalBits: total, headerBits: 0, positionBits: layout.bits, scaleBits: 32,
      valueBits: k * bits, paddingBits: total - 32 - layout.bits - k * bits,
      kPositive: positions.count { x[$0] > 0 }, kNegative: positions.count { x[$0] < 0 },
      groups: [], distortion: Distortion.relativeSquaredError(original, decoded),
      encodeNanoseconds: clock.now.nanoseconds(since: start), mode: spec.description)
    return EncodedFeature(bytes: bytes, stats: stats)
  }

  /// The positions of the `k` largest magnitudes of `x`, ascending. Order: magnitude
  /// descending, then index ascending — a total order, so the choice is deterministic. As items
  /// (key = UInt32.max − magnitude bits, above the index) that order is ascending items, and
  /// the kept entries are those at or below the k-th smallest item. That item is found by a
  /// histogram of 12 key bits below the top one (which is always set): the exponent and 4
  /// mantissa bits. It names the bucket the item lies in, and a sort of that bucket alone
  /// finishes the job — a few passes over d where sorting every item was the codec's main cost.
  static func largest(_ k: Int, of x: [Float]) -> [Int] {
    let d = x.count
    guard d > 0, k > 0 else { return [] }
    if k >= d { return Array(0..<d) }
    @inline(__always) func item(_ i: Int) -> UInt64 {
      UInt64(UInt32.max - x[i].magnitude.bitPattern) << 32 | UInt64(i)
    }
    @inline(__always) func bucket(_ item: UInt64) -> Int { Int((item >> (32 + 19)) & 0xFFF) }
    var counts = [Int](repeating: 0, count: 1 << 12)
    counts.withUnsafeMutableBufferPointer { counts in
      for i in 0..<d { counts[bucket(item(i))] += 1 }
    }
    // The bucket holding the k-th smallest item, and how many items lie in buckets below it.
    var target = 0
    var below = 0
    while below + counts[target] < k {
      below += counts[target]
      target += 1
    }
    var members = [UInt64]()
    members.reserveCapacity(counts[target])
    for i in 0..<d where bucket(item(i)) == target { members.append(item(i)) }
    members.sort()
    let cutoff = members[k - below - 1]
    var positions = [Int]()
    positions.reserveCapacity(k)
    for i in 0..<d where item(i) <= cutoff { positions.append(i) }
    return positions
  }

  func decode(_ bytes: [UInt8], dimension d: Int) throws(CodecError) -> [Float] {
    try checkDimension(d)
    let name = spec.description
    let k = kept(dimension: d)
    let layout = Self.positionBits(d: d, k: k)
    let expected = 4 + (layout.bits + k * bits + 7) / 8
    guard bytes.count == expected else {
      throw .wrongLength(codec: name, expectedBytes: expected, actualBytes: bytes.count)
    }
    var reader = BitReader(bytes)
    let absmax = Float(bitPattern: UInt32(truncatingIfNeeded: reader.read(count: 32)).byteSwapped)
    guard absmax.isFinite, absmax.sign == .plus else {
      throw .corrupt(codec: name, detail: "the scale \(absmax) is not a finite number ≥ 0")
    }
    var positions = [Int]()
    positions.reserveCapacity(k)
    if layout.isList {
      for _ in 0..<k {
        let p = Int(reader.read(count: Self.indexWidth(d)))
        guard (p < d) && (p > (positions.last ?? -1)) else {
          throw .corrupt(codec: name, detail: "position \(p) is not ascending within 0..<\(d)")
        }
        positions.append(p)
      }
    } else {
      for i in 0..<d where reader.readBit() { positions.append(i) }
      guard positions.count == k else {
        throw .corrupt(codec: name, detail: "the bitmap marks \(positions.count) entries, not \(k)")
      }
    }
    var out = [Float](repeating: 0, count: d)
    let step = 2 * Double(absmax) / Double(1 << bits)
    for p in positions {
      let q = Double(reader.read(count: bits))
      out[p] = Float(-Double(absmax) + (q + 0.5) * step)
    }
    guard reader.remainingBitsAreZero() else {
      throw .corrupt(codec: name, detail: "the padding bits after the last value are not zero")
    }
    return out
  }
}
