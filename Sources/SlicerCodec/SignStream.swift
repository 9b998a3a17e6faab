/// The nonzero entries of one sign, sorted by magnitude, with the running sums the planner
/// needs to price any choice of K and groups in O(1).
///
/// A final class over manually allocated buffers: the planner reads these arrays in its
/// innermost loops, and plain Swift arrays inside a struct would be retained and released on
/// every access. The buffers are immutable after `init`.
final class SignStream: @unchecked Sendable {
  let count: Int
  /// Magnitudes, largest first; ties keep index order, so the order is a deterministic total order.
  let magnitudes: UnsafeMutableBufferPointer<Float>
  /// Position in the vector of each magnitude.
  let indices: UnsafeMutableBufferPointer<Int32>
  /// prefix[k] = Σ_{i<k} a_i and prefixSquares[k] = Σ_{i<k} a_i², in Double (count + 1 each).
  let prefix: UnsafeMutableBufferPointer<Double>
  let prefixSquares: UnsafeMutableBufferPointer<Double>
  /// suffixSquares[k] = Σ_{i≥k} a_i², summed from the small end: the energy ATKF drops when
  /// it keeps the top k.
  let suffixSquares: UnsafeMutableBufferPointer<Double>

  /// The positive and the negative stream of `x` (which must be finite). Zeros belong to
  /// neither: dropping them costs nothing.
  static func split(_ x: [Float]) -> (positive: SignStream, negative: SignStream) {
    // Sort key: 0x7FFF_FFFF − magnitude bits, so ascending keys are descending magnitudes (for
    // non-negative floats the bit pattern orders like the value). Entries are collected in
    // index order and the radix sort is stable, so ties stay in index order. Positives fill
    // the key buffer from the front, negatives from the back; each has 2·d slots so the sort
    // has scratch space.
    let d = x.count
    let keys = UnsafeMutablePointer<UInt32>.allocate(capacity: max(1, 4 * d))
    let order = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, 4 * d))
    defer {
      keys.deallocate()
      order.deallocate()
    }
    let negativeKeys = keys + 2 * d
    let negativeOrder = order + 2 * d
    var p = 0
    var n = 0
    x.withUnsafeBufferPointer { v in
      for i in 0..<d {
        let bits = v[i].bitPattern
        let key = 0x7FFF_FFFF &- (bits & 0x7FFF_FFFF)
        if bits & 0x7FFF_FFFF == 0 { continue }
        if bits >> 31 == 0 {
          keys[p] = key
          order[p] = Int32(truncatingIfNeeded: i)
          p &+= 1
        } else {
          negativeKeys[n] = key
          negativeOrder[n] = Int32(truncatingIfNeeded: i)
          n &+= 1
        }
      }
    }
    return (
      SignStream(sorting: keys, order, count: p),
      SignStream(sorting: negativeKeys, negativeOrder, count: n)
    )
  }

  /// Sorts `count` keys (with room for 2·count) and builds the stream from them.
  private init(
    sorting keys: UnsafeMutablePointer<UInt32>, _ order: UnsafeMutablePointer<Int32>, count n: Int
  ) {
    count = n
    let sorted = Self.radixSort(keys, order, count: n)
    magnitudes = .allocate(capacity: max(1, n))
    indices = .allocate(capacity: max(1, n))
    prefix = .allocate(capacity: n + 1)
    prefixSquares = .allocate(capacity: n + 1)
    suffixSquares = .allocate(capacity: n + 1)
    var sum = 0.0
    var squares = 0.0
    prefix[0] = 0
    prefixSquares[0] = 0
    for r in 0..<n {
      let a = Float(bitPattern: 0x7FFF_FFFF &- sorted.keys[r])
      magnitudes[r] = a
      indices[r] = sorted.values[r]
      sum += Double(a)
      squares += Double(a) * Double(a)
      prefix[r &+ 1] = sum
      prefixSquares[r &+ 1] = squares
    }
    var tail = 0.0
    suffixSquares[n] = 0
    var k = n
    while k > 0 {
      let a = Double(magnitudes[k &- 1])
      tail += a * a
      suffixSquares[k &- 1] = tail
      k &-= 1
    }
  }

  deinit {
    magnitudes.deallocate()
    indices.deallocate()
    prefix.deallocate()
    prefixSquares.deallocate()
    suffixSquares.deallocate()
  }

  /// Stable LSD radix sort of `count` 31-bit keys at `keys` (with `values` moved along), byte
  /// by byte; a byte that is the same in every key costs no pass. Both buffers have room for
  /// 2·count elements: the second half is scratch. Returns where the sorted data ended up.
  static func radixSort(
    _ keys: UnsafeMutablePointer<UInt32>, _ values: UnsafeMutablePointer<Int32>, count n: Int
  )
    -> (keys: UnsafeMutablePointer<UInt32>, values: UnsafeMutablePointer<Int32>)
  {
    guard n > 1 else { return (keys, values) }
    let counts = UnsafeMutablePointer<Int>.allocate(capacity: 4 * 256)
    defer { counts.deallocate() }
    counts.initialize(repeating: 0, count: 4 * 256)
    for i in 0..<n {
      let k = keys[i]
      counts[Int(k & 0xFF)] &+= 1
      counts[256 &+ Int((k >> 8) & 0xFF)] &+= 1
      counts[512 &+ Int((k >> 16) & 0xFF)] &+= 1
      counts[768 &+ Int(k >> 24)] &+= 1
    }
    var sourceKeys = keys
    var sourceValues = values
    var targetKeys = keys + n
    var targetValues = values + n
    for pass in 0..<4 {
      let histogram = counts + pass * 256
      let shift = UInt32(8 * pass)
      if histogram[Int((sourceKeys[0] >> shift) & 0xFF)] == n { continue }
      var offset = 0
      for b in 0..<256 {
        let c = histogram[b]
        histogram[b] = offset
        offset &+= c
      }
      for i in 0..<n {
        let key = sourceKeys[i]
        let bucket = Int((key >> shift) & 0xFF)
        let slot = histogram[bucket]
        histogram[bucket] = slot &+ 1
        targetKeys[slot] = key
        targetValues[slot] = sourceValues[i]
      }
      swap(&sourceKeys, &targetKeys)
      swap(&sourceValues, &targetValues)
    }
    return (sourceKeys, sourceValues)
  }

  /// The largest magnitude, 0 for an empty stream.
  var top: Float { count > 0 ? magnitudes[0] : 0 }

  /// Number of magnitudes ≥ `threshold`.
  func countAtLeast(_ threshold: Double) -> Int {
    var lo = 0
    var hi = count
    while lo < hi {
      let mid = (lo + hi) >> 1
      if Double(magnitudes[mid]) >= threshold { lo = mid + 1 } else { hi = mid }
    }
    return lo
  }

  /// The rank ranges (into `magnitudes`, largest first) of the groups of the top `kept`, in
  /// the format's label order: `groups` equal-cardinality groups over all but the top
  /// `outliers`, smallest first, then the `outliers` singletons, smallest first.
  func groupRanks(kept: Int, groups: Int, outliers: Int) -> [Range<Int>] {
    var ranges = [Range<Int>](repeating: 0..<0, count: groups + outliers)
    if groups > 0 {
      let sizes = SlicerFormat.groupSizes(kept: kept - outliers, groups: groups)
      var start = outliers
      for j in stride(from: groups - 1, through: 0, by: -1) {
        ranges[j] = start..<(start + sizes[j])
        start += sizes[j]
      }
    }
    for i in 0..<outliers {
      let rank = outliers - 1 - i
      ranges[groups + i] = rank..<(rank + 1)
    }
    return ranges
  }
}
