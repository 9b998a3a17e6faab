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

  /// Items for the radix sort: room for 4·d (two signs × data + scratch), and its histograms.
  struct SortScratch: ~Copyable {
    private(set) var capacity: Int
    /// key << 32 | position, key = 0x7FFF_FFFF − magnitude bits (see `fill`).
    var items: UnsafeMutablePointer<UInt64>
    /// Two 256-entry histograms.
    var counts: UnsafeMutablePointer<Int32>

    init(capacity: Int) {
      self.capacity = max(1, capacity)
      items = .allocate(capacity: 4 * self.capacity)
      counts = .allocate(capacity: 512)
    }

    deinit {
      items.deallocate()
      counts.deallocate()
    }

    mutating func reserve(_ d: Int) {
      guard d > capacity else { return }
      items.deallocate()
      capacity = d
      items = .allocate(capacity: 4 * d)
    }
  }

  /// Refills `positive` and `negative` from `x` (finite), reusing their storage.
  static func fill(
    _ positive: SignStream, _ negative: SignStream, from x: UnsafeBufferPointer<Float>,
    scratch: inout SortScratch
  ) {
    // Sort key: 0x7FFF_FFFF − magnitude bits, so ascending keys are descending magnitudes (for
    // non-negative floats the bit pattern orders like the value). Each item carries its key
    // above its position, so ascending items are descending magnitudes with ties in index
    // order. Positives fill the item buffer from the front, negatives from 2·d; each has 2·d
    // slots so the sort has scratch.
    let d = x.count
    scratch.reserve(d)
    positive.reserve(d)
    negative.reserve(d)
    let items = scratch.items
    let negativeItems = items + 2 * d
    var p = 0
    var n = 0
    for i in 0..<d {
      let bits = x[i].bitPattern
      let magnitude = bits & 0x7FFF_FFFF
      if magnitude == 0 { continue }
      let item = UInt64(0x7FFF_FFFF &- magnitude) &<< 32 | UInt64(truncatingIfNeeded: i)
      // Written to both streams' next slots; only the one whose count advances keeps it (the
      // signs are random, so a branch here would mispredict half the time).
      let negative = Int(truncatingIfNeeded: bits &>> 31)
      items[p] = item
      negativeItems[n] = item
      p &+= 1 &- negative
      n &+= negative
    }
    positive.load(sorting: items, count: p, counts: scratch.counts)
    negative.load(sorting: negativeItems, count: n, counts: scratch.counts)
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

  /// Sorts `count` items (with room for 2·count) and loads the stream from them.
  private func load(
    sorting items: UnsafeMutablePointer<UInt64>, count n: Int, counts: UnsafeMutablePointer<Int32>
  ) {
    count = n
    let sorted = Self.sort(items, count: n, counts: counts)
    let magnitudes = magnitudes.baseAddress!
    let indices = indices.baseAddress!
    let prefix = prefix.baseAddress!
    let prefixSquares = prefixSquares.baseAddress!
    let suffixSquares = suffixSquares.baseAddress!
    // One loop, three independent sums (prefix and prefix of squares from the top, suffix of
    // squares from the bottom), so their additions overlap; each sums in the same order as on
    // its own.
    var sum = 0.0
    var squares = 0.0
    var tail = 0.0
    suffixSquares[n] = 0
    @inline(__always) func magnitude(_ item: UInt64) -> Float {
      Float(bitPattern: 0x7FFF_FFFF &- UInt32(truncatingIfNeeded: item &>> 32))
    }
    for r in 0..<n {
      let item = sorted[r]
      let a = magnitude(item)
      magnitudes[r] = a
      indices[r] = Int32(truncatingIfNeeded: item)
      sum += Double(a)
      squares += Double(a) * Double(a)
      prefix[r &+ 1] = sum
      prefixSquares[r &+ 1] = squares
      let k = n &- 1 &- r
      let b = Double(magnitude(sorted[k]))
      tail += b * b
      suffixSquares[k] = tail
    }
  }

  /// Stable sort of `count` items at `items` (ascending as 64-bit integers; the top 32 bits
  /// are a 31-bit key): an LSD radix sort on the key's top 16 bits (two byte passes; a byte
  /// that is the same in every item costs no pass), then an insertion sort on the whole item,
  /// which only has to reorder items whose keys share their top 16 bits (a magnitude's
  /// exponent and top 7 mantissa bits). The buffer has room for 2·count items: the second
  /// half is scratch. Returns where the sorted items ended up. Items are distinct (their low
  /// bits are positions), so the result is the one ascending order.
  static func sort(
    _ items: UnsafeMutablePointer<UInt64>, count n: Int, counts: UnsafeMutablePointer<Int32>
  ) -> UnsafeMutablePointer<UInt64> {
    guard n > 1 else { return items }
    counts.initialize(repeating: 0, count: 512)
    for i in 0..<n {
      let item = items[i]
      counts[Int((item &>> 48) & 0xFF)] &+= 1
      counts[256 &+ Int(item &>> 56)] &+= 1
    }
    var source = items
    var target = items + n
    for pass in 0..<2 {
      let histogram = counts + pass &* 256
      let shift = UInt64(48 &+ 8 &* pass)
      if Int(histogram[Int((source[0] &>> shift) & 0xFF)]) == n { continue }
      var offset: Int32 = 0
      for b in 0..<256 {
        let c = histogram[b]
        histogram[b] = offset
        offset &+= c
      }
      for i in 0..<n {
        let item = source[i]
        let counter = histogram + Int((item &>> shift) & 0xFF)
        let slot = Int(counter.pointee)
        counter.pointee = Int32(truncatingIfNeeded: slot &+ 1)
        target[slot] = item
      }
      swap(&source, &target)
    }
    for i in 1..<n {
      let item = source[i]
      if source[i &- 1] < item { continue }
      var j = i
      while j > 0 && source[j &- 1] > item {
        source[j] = source[j &- 1]
        j &-= 1
      }
      source[j] = item
    }
    return source
  }

  /// The largest magnitude, 0 for an empty stream.
  var top: Float { count > 0 ? magnitudes[0] : 0 }

  /// Number of magnitudes ≥ `threshold`.
  /// The rank ranges (into `magnitudes`, largest first) of the groups of the top `kept`, in
  /// the format's label order: `groups` equal-cardinality groups over all but the top
  /// `outliers`, smallest first, then the `outliers` singletons, smallest first.
  func groupRanks(kept: Int, groups: Int, outliers: Int) -> [Range<Int>] {
    var ranges = [Range<Int>](repeating: 0..<0, count: groups + outliers)
    if groups > 0 {
      var start = outliers
      for j in stride(from: groups - 1, through: 0, by: -1) {
        let size = SlicerFormat.groupSize(j, kept: kept - outliers, groups: groups)
        ranges[j] = start..<(start + size)
        start += size
      }
    }
    for i in 0..<outliers {
      let rank = outliers - 1 - i
      ranges[groups + i] = rank..<(rank + 1)
    }
    return ranges
  }
}
