/// The joint model of a kept entry's sign, group and quantized value. Labels are the groups of
/// the positive stream then of the negative one; with n_L entries of label L left (K in all)
/// and b_L bits, value q of label L has probability (n_L/K)·2^-b_L — the product of the sign
/// model (K±/K), the group model (n_L/K±) and a uniform value — coded as one symbol of the
/// total K·2^8 with cell [C_L·2^8 + q·n_L·2^(8−b_L), + n_L·2^(8−b_L)), C_L = Σ_{L'<L} n_L'.
///
/// The reader's form: the counts n_L, so taking an entry is one decrement and the label of a
/// target is found by summing them (the writer's `LabelCells` keeps the sums instead). It also
/// keeps each label's quantizer (lo and step, `GroupQuantizer`), so a decoded entry is
/// reconstructed from the same table.
///
/// Fixed-capacity storage lent by the caller (a message has at most 2·(16 + 7) labels;
/// `withEmpty` lends stack memory): the decoder builds one per message, straight from the
/// header, without a heap block. (Inline arrays were tried: each element read copied the
/// whole array.) Noncopyable: it is the single user of its storage.
struct LabelTable: ~Copyable {
  static let capacity = 2 * (SlicerFormat.maxGroups + SlicerFormat.maxOutliers)

  /// Per label: n_L, the shift 8 − b_L, and the quantizer's lo and step (`capacity` each).
  private let left: UnsafeMutablePointer<Int>
  private let shift: UnsafeMutablePointer<Int>
  private let low: UnsafeMutablePointer<Double>
  private let step: UnsafeMutablePointer<Double>
  private(set) var count = 0
  /// The first label of the negative stream.
  private var negativeBase = 0
  private var keptLeft = 0

  /// Runs `body` on an empty table whose storage is on the stack.
  static func withEmpty<R, E: Error>(_ body: (inout LabelTable) throws(E) -> R) throws(E) -> R {
    try withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 4 * capacity) {
      (words) throws(E) -> R in
      let raw = UnsafeMutableRawPointer(words.baseAddress!)
      var table = LabelTable(
        left: raw.bindMemory(to: Int.self, capacity: capacity),
        shift: (raw + 8 * capacity).bindMemory(to: Int.self, capacity: capacity),
        low: (raw + 16 * capacity).bindMemory(to: Double.self, capacity: capacity),
        step: (raw + 24 * capacity).bindMemory(to: Double.self, capacity: capacity))
      return try body(&table)
    }
  }

  private init(
    left: UnsafeMutablePointer<Int>, shift: UnsafeMutablePointer<Int>,
    low: UnsafeMutablePointer<Double>, step: UnsafeMutablePointer<Double>
  ) {
    self.left = left
    self.shift = shift
    self.low = low
    self.step = step
  }

  /// Adds a label of `size` entries whose values have `bits` bits (0…8) and reconstruct with
  /// `quantizer`. At most `capacity` labels: the header's counts bound them.
  mutating func append(size: Int, bits: Int, quantizer: GroupQuantizer) {
    precondition(count < Self.capacity && (0...8).contains(bits), "label table overflow")
    left[count] = size
    shift[count] = 8 - bits
    low[count] = quantizer.lo
    step[count] = quantizer.step
    count += 1
    keptLeft += size
  }

  /// The labels appended from now on are the negative stream's.
  mutating func startNegative() { negativeBase = count }

  var total: UInt64 { UInt64(keptLeft) << 8 }

  /// The label and value whose cell holds `target` (< total): the symbol with
  /// cumulative ≤ target < cumulative + frequency.
  @inline(__always)
  func find(target: UInt64) -> (label: Int, index: Int, cumulative: UInt64, frequency: UInt64) {
    // The label is the number of labels (but the last) whose cell range ends at or below the
    // target, counted over every label without a branch; `before` sums their sizes.
    var end: UInt64 = 0
    var before: UInt64 = 0
    var label = 0
    for l in 0..<max(0, count &- 1) {
      end &+= UInt64(truncatingIfNeeded: left[l]) &<< 8
      let below = end <= target ? 1 : 0
      label &+= below
      before = below == 1 ? end : before
    }
    let shift = UInt64(truncatingIfNeeded: shift[label])
    let n = left[label]
    let frequency = UInt64(truncatingIfNeeded: n) << shift
    // target − before < n_L·2^8 = frequency·2^b (< 2^32 in all), so index < 2^b; dividing the
    // shifted offset by n_L in 32 bits is the same ⌊(target − before)/frequency⌋. (n_L ≥ 1:
    // a label with none left ends where the one before it does, so the count passes it.)
    let index = UInt32(truncatingIfNeeded: (target &- before) >> shift)
      / UInt32(truncatingIfNeeded: n)
    return (label, Int(index), before &+ UInt64(index) &* frequency, frequency)
  }

  /// The value `index` of `label` decodes to, with the label's sign.
  @inline(__always)
  func value(label: Int, index: Int) -> Float {
    let magnitude = GroupQuantizer.reconstruct(index, lo: low[label], step: step[label])
    return label >= negativeBase ? -magnitude : magnitude
  }

  @inline(__always)
  mutating func remove(_ label: Int) {
    left[label] &-= 1
    keptLeft &-= 1
  }
}

/// The writer's form of `LabelTable`'s model: the running starts C_0 … C_count (C_count = K)
/// rather than the counts, so a cell is two loads (n_L = C_{L+1} − C_L) instead of a sum over
/// the labels. Taking an entry of label L lowers every start above L: one pass over a short
/// lane array (padded to a multiple of 8 with copies of C_count) that the compiler vectorises.
///
/// Noncopyable over a small manual buffer: the encoder updates it once per kept entry.
struct LabelCells: ~Copyable {
  /// The starts C_L (then padding), followed by the shift 8 − b_L per label.
  private let starts: UnsafeMutablePointer<Int32>
  private let shift: UnsafeMutablePointer<Int32>
  /// Lanes of `starts`: count + 1 rounded up to a multiple of 8.
  private let lanes: Int
  private let negativeBase: Int
  private var keptLeft = 0

  /// The model of these layouts, whose kept counts sum to at most 2^24 (the encoder's
  /// largest total, 2^32, is K·2^8).
  init(_ layouts: [StreamLayout]) {
    let labels = layouts[0].bitwidths.count + layouts[1].bitwidths.count
    lanes = (labels + 1 + 7) & ~7
    // One block: starts, then shift.
    starts = .allocate(capacity: lanes + max(1, labels))
    shift = starts + lanes
    negativeBase = layouts[0].bitwidths.count
    var l = 0
    var start = 0
    for layout in layouts where !layout.bitwidths.isEmpty {
      for j in 0..<layout.bitwidths.count {
        starts[l] = Int32(truncatingIfNeeded: start)
        start += layout.size(j)
        shift[l] = Int32(truncatingIfNeeded: 8 - layout.bitwidths[j])
        l += 1
      }
      keptLeft += layout.kept
    }
    // C_count = K, and the padding lanes too: `remove` lowers them with C_count.
    for p in labels..<lanes { starts[p] = Int32(truncatingIfNeeded: start) }
  }

  deinit { starts.deallocate() }

  var total: UInt64 { UInt64(keptLeft) << 8 }

  /// Without a branch: the signs are random, so one would mispredict half the time.
  @inline(__always)
  func label(stream: Int, group: Int) -> Int { group &+ stream &* negativeBase }

  /// The cell of value `index` of `label`: [C_L·2^8 + index·f, + f), f = n_L·2^(8−b_L).
  @inline(__always)
  func cell(label: Int, index: Int) -> (cumulative: UInt64, frequency: UInt64) {
    let start = starts[label]
    let left = UInt64(truncatingIfNeeded: starts[label &+ 1] &- start)
    let frequency = left &<< UInt64(truncatingIfNeeded: shift[label])
    return (
      (UInt64(truncatingIfNeeded: start) &<< 8) &+ UInt64(truncatingIfNeeded: index) &* frequency,
      frequency
    )
  }

  /// Takes one entry of `label`: every start above it drops by one, eight lanes per step.
  /// (Written as a scalar loop, the compiler vectorised it four lanes wide with a remainder
  /// check; explicit eight-lane steps halve the work per kept entry.)
  @inline(__always)
  mutating func remove(_ label: Int) {
    let target = SIMD8<Int32>(repeating: Int32(truncatingIfNeeded: label))
    var lane = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
    let raw = UnsafeMutableRawPointer(starts)
    for offset in stride(from: 0, to: lanes &* 4, by: 32) {
      let block = raw.loadUnaligned(fromByteOffset: offset, as: SIMD8<Int32>.self)
      // −1 exactly in the lanes above the label: arithmetic rather than a comparison.
      raw.storeBytes(
        of: block &+ ((target &- lane) &>> 31), toByteOffset: offset, as: SIMD8<Int32>.self)
      lane &+= 8
    }
    keptLeft &-= 1
  }
}
