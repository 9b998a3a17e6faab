/// The nonzero entries of one sign, sorted by magnitude, with the running sums the planner
/// needs to price any choice of K and groups in O(1).
///
/// A final class over manually allocated buffers: the planner reads these arrays in its
/// innermost loops, and plain Swift arrays inside a struct would be retained and released on
/// every access. The codec keeps its streams in a `SlicerWorkspace` and refills them for every
/// vector (`SignStream.fill`), so encoding allocates nothing here.
final class SignStream: @unchecked Sendable {
  private(set) var count = 0
  private(set) var capacity: Int
  /// Magnitudes, largest first; ties keep index order, so the order is a deterministic total order.
  private(set) var magnitudes: UnsafeMutableBufferPointer<Float>
  /// Position in the vector of each magnitude.
  private(set) var indices: UnsafeMutableBufferPointer<Int32>
  /// prefix[k] = Σ_{i<k} a_i and prefixSquares[k] = Σ_{i<k} a_i², in Double (count + 1 each).
  private(set) var prefix: UnsafeMutableBufferPointer<Double>
  private(set) var prefixSquares: UnsafeMutableBufferPointer<Double>
  /// suffixSquares[k] = Σ_{i≥k} a_i², summed from the small end: the energy ATKF drops when
  /// it keeps the top k.
  private(set) var suffixSquares: UnsafeMutableBufferPointer<Double>

  /// An empty stream with room for `capacity` entries.
  init(capacity: Int) {
    self.capacity = max(1, capacity)
    magnitudes = .allocate(capacity: self.capacity)
    indices = .allocate(capacity: self.capacity)
    prefix = .allocate(capacity: self.capacity + 1)
    prefixSquares = .allocate(capacity: self.capacity + 1)
    suffixSquares = .allocate(capacity: self.capacity + 1)
    prefix[0] = 0
    prefixSquares[0] = 0
    suffixSquares[0] = 0
  }

  deinit { release() }

  private func release() {
    magnitudes.deallocate()
    indices.deallocate()
    prefix.deallocate()
    prefixSquares.deallocate()
    suffixSquares.deallocate()
  }

  /// The positive and the negative stream of `x` (which must be finite). Zeros belong to
  /// neither: dropping them costs nothing.
  static func split(_ x: [Float]) -> (positive: SignStream, negative: SignStream) {
    let positive = SignStream(capacity: x.count)
    let negative = SignStream(capacity: x.count)
    var scratch = SortScratch(capacity: x.count)
    x.withUnsafeBufferPointer { fill(positive, negative, from: $0, scratch: &scratch) }
    return (positive, negative)
  }

  /// Keys and values for the radix sort: room for 4·d of each (two signs × data + scratch).
  struct SortScratch: ~Copyable {
    private(set) var capacity: Int
    var keys: UnsafeMutablePointer<UInt32>
    var order: UnsafeMutablePointer<Int32>
    /// Two 256-entry histograms.
    var counts: UnsafeMutablePointer<Int32>

    init(capacity: Int) {
      self.capacity = max(1, capacity)
      keys = .allocate(capacity: 4 * self.capacity)
      order = .allocate(capacity: 4 * self.capacity)
      counts = .allocate(capacity: 512)
    }

    deinit {
      keys.deallocate()
      order.deallocate()
      counts.deallocate()
    }

    mutating func reserve(_ d: Int) {
      guard d > capacity else { return }
      keys.deallocate()
      order.deallocate()
      capacity = d
      keys = .allocate(capacity: 4 * d)
      order = .allocate(capacity: 4 * d)
    }
  }

  /// Refills `positive` and `negative` from `x` (finite), reusing their storage.
  static func fill(
    _ positive: SignStream, _ negative: SignStream, from x: UnsafeBufferPointer<Float>,
    scratch: inout SortScratch
  ) {
    // Sort key: 0x7FFF_FFFF − magnitude bits, so ascending keys are descending magnitudes (for
    // non-negative floats the bit pattern orders like the value). Entries are collected in
    // index order and the sort is stable, so ties stay in index order. Positives fill the key
    // buffer from the front, negatives from 2·d; each has 2·d slots so the sort has scratch.
    let d = x.count
    scratch.reserve(d)
    positive.reserve(d)
    negative.reserve(d)
    let keys = scratch.keys
    let order = scratch.order
    let negativeKeys = keys + 2 * d
    let negativeOrder = order + 2 * d
    var p = 0
    var n = 0
    for i in 0..<d {
      let bits = x[i].bitPattern
      let magnitude = bits & 0x7FFF_FFFF
      if magnitude == 0 { continue }
      let key = 0x7FFF_FFFF &- magnitude
      // Written to both streams' next slots; only the one whose count advances keeps it (the
      // signs are random, so a branch here would mispredict half the time).
      let negative = Int(truncatingIfNeeded: bits &>> 31)
      keys[p] = key
      order[p] = Int32(truncatingIfNeeded: i)
      negativeKeys[n] = key
      negativeOrder[n] = Int32(truncatingIfNeeded: i)
      p &+= 1 &- negative
      n &+= negative
    }
    positive.load(sorting: keys, order, count: p, counts: scratch.counts)
    negative.load(sorting: negativeKeys, negativeOrder, count: n, counts: scratch.counts)
  }

  private func reserve(_ n: Int) {
    guard n > capacity else { return }
    release()
    capacity = n
    magnitudes = .allocate(capacity: n)
    indices = .allocate(capacity: n)
    prefix = .allocate(capacity: n + 1)
    prefixSquares = .allocate(capacity: n + 1)
    suffixSquares = .allocate(capacity: n + 1)
    prefix[0] = 0
    prefixSquares[0] = 0
  }

  /// Sorts `count` keys (with room for 2·count) and loads the stream from them.
  private func load(
    sorting keys: UnsafeMutablePointer<UInt32>, _ order: UnsafeMutablePointer<Int32>, count n: Int,
    counts: UnsafeMutablePointer<Int32>
  ) {
    count = n
    let sorted = Self.sort(keys, order, count: n, counts: counts)
    let magnitudes = magnitudes.baseAddress!
    let indices = indices.baseAddress!
    let prefix = prefix.baseAddress!
    let prefixSquares = prefixSquares.baseAddress!
    let suffixSquares = suffixSquares.baseAddress!
    var sum = 0.0
    var squares = 0.0
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

  /// Stable sort of `count` 31-bit keys at `keys` (with `values` moved along): an LSD radix
  /// sort on the top 16 bits (two byte passes; a byte that is the same in every key costs no
  /// pass), then an insertion sort on the whole key, which only has to reorder keys that
  /// share their top 16 bits (a magnitude's exponent and top 7 mantissa bits) — few for any
  /// real vector. Both buffers have room for 2·count elements: the second half is scratch.
  /// Returns where the sorted data ended up. The result equals a full stable sort's.
  static func sort(
    _ keys: UnsafeMutablePointer<UInt32>, _ values: UnsafeMutablePointer<Int32>, count n: Int,
    counts: UnsafeMutablePointer<Int32>
  )
    -> (keys: UnsafeMutablePointer<UInt32>, values: UnsafeMutablePointer<Int32>)
  {
    guard n > 1 else { return (keys, values) }
    counts.initialize(repeating: 0, count: 512)
    for i in 0..<n {
      let k = keys[i]
      counts[Int((k >> 16) & 0xFF)] &+= 1
      counts[256 &+ Int(k >> 24)] &+= 1
    }
    var sourceKeys = keys
    var sourceValues = values
    var targetKeys = keys + n
    var targetValues = values + n
    for pass in 0..<2 {
      let histogram = counts + pass * 256
      let shift = UInt32(16 + 8 * pass)
      if Int(histogram[Int((sourceKeys[0] >> shift) & 0xFF)]) == n { continue }
      var offset: Int32 = 0
      for b in 0..<256 {
        let c = histogram[b]
        histogram[b] = offset
        offset &+= c
      }
      for i in 0..<n {
        let key = sourceKeys[i]
        let bucket = Int((key >> shift) & 0xFF)
        let slot = Int(histogram[bucket])
        histogram[bucket] = Int32(truncatingIfNeeded: slot &+ 1)
        targetKeys[slot] = key
        targetValues[slot] = sourceValues[i]
      }
      swap(&sourceKeys, &targetKeys)
      swap(&sourceValues, &targetValues)
    }
    // Insertion sort: strict comparison keeps equal keys in their (index) order.
    for i in 1..<n {
      let key = sourceKeys[i]
      if sourceKeys[i &- 1] <= key { continue }
      let value = sourceValues[i]
      var j = i
      while j > 0 && sourceKeys[j &- 1] > key {
        sourceKeys[j] = sourceKeys[j &- 1]
        sourceValues[j] = sourceValues[j &- 1]
        j &-= 1
      }
      sourceKeys[j] = key
      sourceValues[j] = value
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
