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

  /// Collects the entries of `x` with the given sign (`negative` false: x_i > 0; true: x_i < 0).
  /// Zeros belong to neither stream: dropping them costs nothing. `x` must be finite.
  init(_ x: UnsafeBufferPointer<Float>, negative: Bool) {
    // Sort key: 0x7FFF_FFFF − magnitude bits, so ascending keys are descending magnitudes (for
    // non-negative floats the bit pattern orders like the value). Entries are collected in
    // index order and the radix sort is stable, so ties stay in index order.
    var n = 0
    for v in x where negative ? v < 0 : v > 0 { n += 1 }
    count = n
    let keys = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: max(1, 2 * n))
    let order = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(1, 2 * n))
    defer {
      keys.deallocate()
      order.deallocate()
    }
    var r = 0
    for i in 0..<x.count {
      let v = x[i]
      if negative ? v < 0 : v > 0 {
        keys[r] = 0x7FFF_FFFF &- v.magnitude.bitPattern
        order[r] = Int32(truncatingIfNeeded: i)
        r &+= 1
      }
    }
    let sorted = Self.radixSort(keys.baseAddress!, order.baseAddress!, count: n)

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
      prefix[r + 1] = sum
      prefixSquares[r + 1] = squares
    }
    var tail = 0.0
    suffixSquares[n] = 0
    var k = n
    while k > 0 {
      let a = Double(magnitudes[k - 1])
      tail += a * a
      suffixSquares[k - 1] = tail
      k -= 1
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
  static func radixSort(_ keys: UnsafeMutablePointer<UInt32>, _ values: UnsafeMutablePointer<Int32>, count n: Int)
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
