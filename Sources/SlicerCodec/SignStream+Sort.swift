/// The sort behind `SignStream.fill`: a stream's items in descending magnitude, ties in index
/// order, and the scratch memory it reuses from vector to vector.
extension SignStream {
  /// Items for the sort: room for 4·d (two signs × data + scratch), and its buckets.
  struct SortScratch: ~Copyable {
    private(set) var capacity: Int
    /// key << 32 | position, key = 0x7FFF_FFFF − magnitude bits (see `fill`).
    var items: UnsafeMutablePointer<UInt64>
    /// Items per bucket (`SignStream.buckets`); all zero between sorts.
    let counts: UnsafeMutablePointer<Int32>
    /// One bit a bucket: which buckets hold items; all zero between sorts.
    let occupied: UnsafeMutablePointer<UInt64>
    /// Per bucket, the next free slot in the sorted order (meaningful for occupied buckets
    /// only during a sort; the fallback radix passes use the first 512 as their counters).
    let offsets: UnsafeMutablePointer<Int32>

    init(capacity: Int) {
      self.capacity = max(1, capacity)
      items = .allocate(capacity: 4 * self.capacity)
      counts = .allocate(capacity: SignStream.buckets)
      counts.initialize(repeating: 0, count: SignStream.buckets)
      occupied = .allocate(capacity: SignStream.buckets / 64)
      occupied.initialize(repeating: 0, count: SignStream.buckets / 64)
      offsets = .allocate(capacity: SignStream.buckets)
    }

    deinit {
      items.deallocate()
      counts.deallocate()
      occupied.deallocate()
      offsets.deallocate()
    }

    mutating func reserve(_ d: Int) {
      guard d > capacity else { return }
      items.deallocate()
      capacity = d
      items = .allocate(capacity: 4 * d)
    }
  }

  /// Mantissa bits in the sort's digit: 2^digitMantissaBits buckets an octave.
  static let digitMantissaBits = 8
  /// Shift from an item to its digit's key bits (exponent and top mantissa bits).
  static let digitShift = UInt64(32 + 23 - digitMantissaBits)
  /// Buckets of the sort's one counting pass: 16 octaves of magnitude below the largest.
  static let buckets = 16 << digitMantissaBits

  /// Stable sort of `count` items at `items` (ascending as 64-bit integers; the top 32 bits
  /// are a 31-bit key whose bits from `digitShift` up are at least `first`). The buffer has
  /// room for 2·count items: the second half is scratch. Returns where the sorted items ended
  /// up. Items are distinct (their low bits are positions), so the result is the one
  /// ascending order.
  ///
  /// One counting pass distributes the items by digit, their key's bits from `digitShift` up
  /// (exponent and top mantissa bits) minus `first`, into `buckets` buckets; the last one
  /// also takes every digit beyond (magnitudes more than 16 octaves below the largest), and
  /// when it holds more than a few items it is sorted on its own by `radixSort`. Only the
  /// buckets marked in `occupied` (one bit a bucket) get offsets, so the empty ones cost
  /// little. An insertion sort then only has to reorder items within a bucket.
  static func sort(
    _ items: UnsafeMutablePointer<UInt64>, count n: Int, first: Int, scratch: borrowing SortScratch
  ) -> UnsafeMutablePointer<UInt64> {
    guard n > 1 else { return items }
    let counts = scratch.counts
    let occupied = scratch.occupied
    let offsets = scratch.offsets
    let top = buckets &- 1
    // Unsigned, so a key below `first` (impossible when `first` is right) also lands in the
    // last bucket instead of outside the counters.
    @inline(__always) func digitOf(_ item: UInt64) -> Int {
      Int(truncatingIfNeeded: min(UInt(bitPattern: Int(item &>> digitShift) &- first), UInt(top)))
    }
    var sorted = items
    if n > 16 {
      // `counts` and `occupied` are all zero between sorts: the walk below clears what the
      // count marked, so no pass over all buckets is needed.
      for i in 0..<n {
        let digit = digitOf(items[i])
        counts[digit] &+= 1
        occupied[digit &>> 6] |= 1 &<< UInt64(digit & 63)
      }
      var offset: Int32 = 0
      var last = (digit: 0, start: Int32(0))
      for w in 0..<(buckets &>> 6) {
        var bits = occupied[w]
        occupied[w] = 0
        while bits != 0 {
          let digit = w &<< 6 | bits.trailingZeroBitCount
          bits &= bits &- 1
          let c = counts[digit]
          counts[digit] = 0
          offsets[digit] = offset
          last = (digit, offset)
          offset &+= c
        }
        if Int(offset) == n { break }
      }
      sorted = items + n
      for i in 0..<n {
        let item = items[i]
        let counter = offsets + digitOf(item)
        let slot = Int(counter.pointee)
        counter.pointee = Int32(truncatingIfNeeded: slot &+ 1)
        sorted[slot] = item
      }
      let start = Int(last.start)
      if last.digit == top && n &- start > 16 {
        let tail = sorted + start
        let result = radixSort(tail, scratch: items + start, count: n &- start, counts: offsets)
        if result != tail { tail.update(from: result, count: n &- start) }
      }
    }
    insertionSort(sorted, count: n)
    return sorted
  }

  /// Stable LSD radix sort of `count` items at `items` on their key's top 16 bits (two byte
  /// passes; a byte that is the same in every item costs no pass), through `scratch` (room
  /// for `count`). Returns where the items ended up; keys that share their top 16 bits keep
  /// their order.
  static func radixSort(
    _ items: UnsafeMutablePointer<UInt64>, scratch: UnsafeMutablePointer<UInt64>, count n: Int,
    counts: UnsafeMutablePointer<Int32>
  ) -> UnsafeMutablePointer<UInt64> {
    guard n > 1 else { return items }
    counts.initialize(repeating: 0, count: 512)
    for i in 0..<n {
      let item = items[i]
      counts[Int((item &>> 48) & 0xFF)] &+= 1
      counts[256 &+ Int(item &>> 56)] &+= 1
    }
    var source = items
    var target = scratch
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
    return source
  }

  /// Sorts `count` items in place by insertion: quick when they are nearly sorted.
  static func insertionSort(_ items: UnsafeMutablePointer<UInt64>, count n: Int) {
    for i in 1..<max(n, 1) {
      let item = items[i]
      if items[i &- 1] < item { continue }
      var j = i
      while j > 0 && items[j &- 1] > item {
        items[j] = items[j &- 1]
        j &-= 1
      }
      items[j] = item
    }
  }
}
