/// The merge table of a byte-level BPE vocabulary, and the merge loop that applies it to a piece.
///
/// A merge `"a b"` on line (rank) r says: wherever token a is directly followed by token b, they
/// may become the token `a+b`; lower ranks go first. The table keys a pair by its two token ids:
///
/// ```
///   key   = left id << 32 | right id
///   value = rank    << 32 | merged id
/// ```
struct BPEMerges: Sendable {
  private var table: [UInt64: UInt64] = [:]

  var count: Int { table.count }

  init() {}

  /// Records that `left` followed by `right` merges into `merged` at `rank`. A pair listed twice
  /// keeps its last rank, as Hugging Face tokenizers do.
  mutating func add(left: Int32, right: Int32, merged: Int32, rank: Int) {
    table[Self.key(left, right)] = UInt64(rank) << 32 | UInt64(UInt32(merged))
  }

  /// The rank and result of merging `left` with `right`, packed as `rank << 32 | merged id`.
  @inline(__always)
  func lookup(_ left: Int32, _ right: Int32) -> UInt64? {
    table[Self.key(left, right)]
  }

  @inline(__always)
  private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
    UInt64(UInt32(left)) << 32 | UInt64(UInt32(right))
  }
}

/// Applies merges to one piece at a time, reusing its buffers across pieces.
///
/// The symbols of a piece form a linked list (`previous`/`next` indices into `symbols`); a
/// min-heap holds candidate merges as `rank << 32 | position` so the lowest rank, then the
/// leftmost position, merges first — Hugging Face's order. A merge rewrites its left symbol and
/// unlinks the right one; heap entries made stale by that are recognised when popped and dropped.
/// Each piece costs O(n log n), so one enormous "word" (say a pasted base64 blob) stays cheap.
struct BPEMerger {
  private var symbols: [Int32] = []
  private var previous: [Int32] = []
  private var next: [Int32] = []
  private var heap: [UInt64] = []

  /// Appends the token ids of `initial` (one id per byte, already looked up) after merging.
  mutating func merge(_ initial: [Int32], with merges: BPEMerges, into output: inout [Int]) {
    let count = initial.count
    if count < 2 {
      for id in initial { output.append(Int(id)) }
      return
    }
    symbols = initial
    previous.removeAll(keepingCapacity: true)
    next.removeAll(keepingCapacity: true)
    heap.removeAll(keepingCapacity: true)
    for index in 0..<count {
      previous.append(Int32(index - 1))
      next.append(index + 1 < count ? Int32(index + 1) : -1)
    }
    for index in 0..<count - 1 {
      pushCandidate(at: index, merges: merges)
    }

    while let entry = popMin() {
      let position = Int(entry & 0xFFFF_FFFF)
      let rank = entry >> 32
      let left = symbols[position]
      let rightIndex = Int(next[position])
      // Stale if the left symbol was absorbed (-1), has no right neighbour any more, or now
      // forms a different pair (ranks are unique per pair, so an equal rank means the same pair).
      guard left >= 0, rightIndex >= 0,
        let found = merges.lookup(left, symbols[rightIndex]), found >> 32 == rank
      else { continue }
      symbols[position] = Int32(truncatingIfNeeded: found & 0xFFFF_FFFF)
      symbols[rightIndex] = -1
      let after = next[rightIndex]
      next[position] = after
      if after >= 0 { previous[Int(after)] = Int32(position) }
      let before = previous[position]
      if before >= 0 { pushCandidate(at: Int(before), merges: merges) }
      if after >= 0 { pushCandidate(at: position, merges: merges) }
    }

    var index = 0
    while index >= 0 {
      output.append(Int(symbols[index]))
      index = Int(next[index])
    }
  }

  /// Pushes the merge of the symbol at `position` with its right neighbour, if the table has one.
  private mutating func pushCandidate(at position: Int, merges: BPEMerges) {
    let right = next[position]
    guard right >= 0, let found = merges.lookup(symbols[position], symbols[Int(right)]) else {
      return
    }
    push((found >> 32) << 32 | UInt64(position))
  }

  private mutating func push(_ value: UInt64) {
    heap.append(value)
    var child = heap.count - 1
    while child > 0 {
      let parent = (child - 1) / 2
      if heap[parent] <= value { break }
      heap[child] = heap[parent]
      child = parent
    }
    heap[child] = value
  }

  private mutating func popMin() -> UInt64? {
    guard let last = heap.popLast() else { return nil }
    guard !heap.isEmpty else { return last }
    let top = heap[0]
    let count = heap.count
    var parent = 0
    while true {
      var child = 2 * parent + 1
      if child >= count { break }
      if child + 1 < count, heap[child + 1] < heap[child] { child += 1 }
      if last <= heap[child] { break }
      heap[parent] = heap[child]
      parent = child
    }
    heap[parent] = last
    return top
  }
}
