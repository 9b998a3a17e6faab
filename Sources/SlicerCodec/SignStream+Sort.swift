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
    /// Per bucket, meaningful for occupied buckets only during a sort: the next free slot in
    /// the sorted order (low 32 bits) and the bucket's item count (high 32 bits), so that
    /// the count survives the clearing of `counts`.
    let offsets: UnsafeMutablePointer<UInt64>
    /// The buckets holding more than one item (room for `capacity`): only their items need
    /// reordering after the counting pass.
    var crowded: UnsafeMutablePointer<Int32>
    /// The fallback radix passes' counters (512).
    let radixCounts: UnsafeMutablePointer<Int32>

    init(capacity: Int) {
      self.capacity = max(1, capacity)
      items = .allocate(capacity: 4 * self.capacity)
      counts = .allocate(capacity: SignStream.buckets)
      counts.initialize(repeating: 0, count: SignStream.buckets)
      occupied = .allocate(capacity: SignStream.buckets / 64)
      occupied.initialize(repeating: 0, count: SignStream.buckets / 64)
      offsets = .allocate(capacity: SignStream.buckets)
      crowded = .allocate(capacity: self.capacity)
      radixCounts = .allocate(capacity: 512)
    }

    deinit {
      items.deallocate()
      counts.deallocate()
      occupied.deallocate()
      offsets.deallocate()
      crowded.deallocate()
      radixCounts.deallocate()
    }

    mutating func reserve(_ d: Int) {
      guard d > capacity else { return }
      items.deallocate()
      crowded.deallocate()
      capacity = d
      items = .allocate(capacity: 4 * d)
      crowded = .allocate(capacity: d)
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
  /// ascending order. `count` must not exceed the scratch's capacity.
  ///
  /// One counting pass distributes the items by digit, their key's bits from `digitShift` up
  /// (exponent and top mantissa bits) minus `first`, into `buckets` buckets; the last one
  /// also takes every digit beyond (magnitudes more than 16 octaves below the largest). Only
  /// the buckets marked in `occupied` (one bit a bucket) get offsets, so the empty ones cost
  /// little. Most buckets end up with one item; the counting pass lists the others
  /// (`crowded`), and only their items are reordered afterwards: two by a compare-exchange,
  /// more by insertion, more than 16 in the last bucket by `radixSort` first. A global
  /// insertion pass would instead test every item, and mispredict at each bucket of two.
  static func sort(
    _ items: UnsafeMutablePointer<UInt64>, count n: Int, first: Int, scratch: borrowing SortScratch
  ) -> UnsafeMutablePointer<UInt64> {
    guard n > 16 else {
      insertionSort(items, count: n)
      return items
    }
    let counts = scratch.counts
    let occupied = scratch.occupied
    let offsets = scratch.offsets
    let crowded = scratch.crowded
    let top = buckets &- 1
    // Unsigned, so a key below `first` (impossible when `first` is right) also lands in the
    // last bucket instead of outside the counters.
    @inline(__always) func digitOf(_ item: UInt64) -> Int {
      Int(truncatingIfNeeded: min(UInt(bitPattern: Int(item &>> digitShift) &- first), UInt(top)))
    }
    // `counts` and `occupied` are all zero between sorts: the walk below clears what this
    // pass marks, so no pass over all buckets is needed. A bucket goes on the crowded list
    // when its second item arrives (the list slot is written for every item and kept only
    // then: no branch, as whether a bucket is already taken is as random as the data).
    var crowdedCount = 0
    for i in 0..<n {
      let digit = digitOf(items[i])
      let before = counts[digit]
      counts[digit] = before &+ 1
      occupied[digit &>> 6] |= 1 &<< UInt64(digit & 63)
      crowded[crowdedCount] = Int32(truncatingIfNeeded: digit)
      crowdedCount &+= Int(truncatingIfNeeded: ((UInt32(bitPattern: before) ^ 1) &- 1) &>> 31)
    }
    var offset: UInt64 = 0
    for w in 0..<(buckets &>> 6) {
      var bits = occupied[w]
      occupied[w] = 0
      while bits != 0 {
        let digit = w &<< 6 | bits.trailingZeroBitCount
        bits &= bits &- 1
        let c = UInt64(truncatingIfNeeded: counts[digit])
        counts[digit] = 0
        offsets[digit] = c &<< 32 | offset
        offset &+= c
      }
      if Int(offset) == n { break }
    }
    let sorted = items + n
    for i in 0..<n {
      let item = items[i]
      let counter = offsets + digitOf(item)
      let packed = counter.pointee
      counter.pointee = packed &+ 1
      sorted[Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: packed))] = item
    }
    // Each crowded bucket's slot is now its end.
    for j in 0..<crowdedCount {
      let digit = Int(crowded[j])
      let packed = offsets[digit]
      let c = Int(truncatingIfNeeded: packed &>> 32)
      let start = sorted + (Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: packed)) &- c)
      if c == 2 {
        let a = start[0]
        let b = start[1]
        start[0] = min(a, b)
        start[1] = max(a, b)
        continue
      }
      if digit == top && c > 16 {
        let result = radixSort(start, scratch: items, count: c, counts: scratch.radixCounts)
        if result != start { start.update(from: result, count: c) }
      }
      insertionSort(start, count: c)
    }
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
