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
    x.withUnsafeBufferPointer { _ = fill(positive, negative, from: $0, scratch: &scratch) }
    return (positive, negative)
  }

  /// What `fill` learns about `x` on the way.
  struct Summary: Equatable {
    /// Σ x_i² in Double, summed in index order.
    var energy: Double
    /// Whether every entry is finite (when not, the streams hold garbage and must not be used).
    var finite: Bool
  }

  /// Refills `positive` and `negative` from `x`, reusing their storage, and sums the energy of
  /// `x` on the way. The streams are only meaningful when the summary says `x` is finite.
  static func fill(
    _ positive: SignStream, _ negative: SignStream, from x: UnsafeBufferPointer<Float>,
    scratch: inout SortScratch
  ) -> Summary {
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
    let negativeStart = 2 * d
    let negativeItems = items + negativeStart
    // The largest magnitude, as bits (an Int32 ≥ 0): where the sort's window starts, and
    // whether every entry is finite. A pass of its own because it vectorises, where a max
    // chain in the loop below would slow that loop down.
    var largest: Int32 = 0
    x.withMemoryRebound(to: Int32.self) { bits in
      for b in bits { largest = max(largest, b & 0x7FFF_FFFF) }
    }
    var p = 0
    var n = 0
    var energy = 0.0
    for i in 0..<d {
      let v = x[i]
      // The energy's additions form one dependency chain; the rest of the loop hides under it.
      energy += Double(v) * Double(v)
      let bits = v.bitPattern
      let magnitude = bits & 0x7FFF_FFFF
      if magnitude == 0 { continue }
      let item = UInt64(0x7FFF_FFFF &- magnitude) &<< 32 | UInt64(truncatingIfNeeded: i)
      // The slot is chosen by a select, not a branch: the signs are random, so a branch here
      // would mispredict half the time.
      let negative = Int(truncatingIfNeeded: bits &>> 31)
      let slot = negative != 0 ? negativeStart &+ n : p
      items[slot] = item
      p &+= 1 &- negative
      n &+= negative
    }
    let summary = Summary(energy: energy, finite: largest < 0x7F80_0000)
    let first = Int(0x7FFF_FFFF &- largest) &>> (digitShift &- 32)
    let sortedPositive = sort(items, count: p, first: first, scratch: scratch)
    let sortedNegative = sort(negativeItems, count: n, first: first, scratch: scratch)
    load(positive, sortedPositive, count: p, negative, sortedNegative, count: n)
    return summary
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

  /// The stream's count and sorted buffers as plain pointers, for loops that must not go
  /// through the class (reference counting per access): valid while the stream lives and is
  /// not refilled.
  struct Buffers {
    let count: Int
    let magnitudes: UnsafeMutablePointer<Float>
    let prefix: UnsafeMutablePointer<Double>
    let prefixSquares: UnsafeMutablePointer<Double>
    let suffixSquares: UnsafeMutablePointer<Double>
  }

  var buffers: Buffers {
    Buffers(
      count: count, magnitudes: magnitudes.baseAddress!, prefix: prefix.baseAddress!,
      prefixSquares: prefixSquares.baseAddress!, suffixSquares: suffixSquares.baseAddress!)
  }

  /// The running sums of one stream being loaded from its sorted items.
  private struct Loader {
    let stream: Buffers
    var sum = 0.0
    var squares = 0.0
    var tail = 0.0

    /// Sets the stream's count, magnitudes and indices, and puts each magnitude's square
    /// (exact in Double) where both square sums will overwrite it: prefixSquares[r + 1] and
    /// suffixSquares[r]. No step depends on another, so this loop runs at full width.
    init(_ stream: SignStream, _ sorted: UnsafeMutablePointer<UInt64>, count n: Int) {
      stream.count = n
      let buffers = stream.buffers
      self.stream = buffers
      let indices = stream.indices.baseAddress!
      for r in 0..<n {
        let item = sorted[r]
        let a = Float(bitPattern: 0x7FFF_FFFF &- UInt32(truncatingIfNeeded: item &>> 32))
        buffers.magnitudes[r] = a
        indices[r] = Int32(truncatingIfNeeded: item)
        let square = Double(a) * Double(a)
        buffers.prefixSquares[r &+ 1] = square
        buffers.suffixSquares[r] = square
      }
      buffers.suffixSquares[n] = 0
    }

    /// Rank r: prefix and prefix of squares from the top, suffix of squares from the bottom,
    /// each a chain of additions in rank order (the order the planner's sums were defined in).
    @inline(__always) mutating func step(_ r: Int) {
      sum += Double(stream.magnitudes[r])
      stream.prefix[r &+ 1] = sum
      squares += stream.prefixSquares[r &+ 1]
      stream.prefixSquares[r &+ 1] = squares
      let k = stream.count &- 1 &- r
      tail += stream.suffixSquares[k]
      stream.suffixSquares[k] = tail
    }
  }

  /// Loads both streams from their sorted items. Each stream has three running sums, each a
  /// chain of dependent additions; stepping the two streams together lets six chains overlap
  /// instead of three.
  private static func load(
    _ a: SignStream, _ sortedA: UnsafeMutablePointer<UInt64>, count nA: Int,
    _ b: SignStream, _ sortedB: UnsafeMutablePointer<UInt64>, count nB: Int
  ) {
    var x = Loader(a, sortedA, count: nA)
    var y = Loader(b, sortedB, count: nB)
    let common = min(nA, nB)
    for r in 0..<common {
      x.step(r)
      y.step(r)
    }
    for r in common..<nA { x.step(r) }
    for r in common..<nB { y.step(r) }
  }

  /// The largest magnitude, 0 for an empty stream.
  var top: Float { count > 0 ? magnitudes[0] : 0 }
}
