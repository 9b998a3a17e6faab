/// The static model for the gap before the next kept entry: with n positions and k kept
/// entries left (1 ≤ k ≤ n), a uniformly random choice of the k positions gives
///
///     P(gap ≥ g) = Q(g) = C(n−g, k) / C(n, k),   Q(0) = 1,   Q(g+1) = Q(g)·(n−k−g)/(n−g),
///
/// so coding every gap with it costs exactly log2 C(n, k) over the message — the same as
/// coding each position's kept/not-kept decision with probability k/n, in one coder step per
/// kept entry instead of one per position.
///
/// The coder needs integer cumulative counts. With G = n − k (the largest possible gap) and
/// the total fixed at 2^32:
///
///     cum(g) = ⌊(2^32 − G − 1)·(1 − Q(g))⌋ + g,   g = 0 … G + 1,   cum(G + 1) = 2^32
///
/// The "+ g" gives every possible gap a cell of at least 1, and the total being a power of
/// two spares the coder a division. Q is computed in IEEE Double with one multiplication and
/// one division per step in this exact order; both are correctly rounded on every platform,
/// so encoder and decoder agree bit for bit.
struct GapModel {
  let positionsLeft: Int
  let keptLeft: Int
  /// 2^32 − G − 1, as a Double.
  private let scale: Double
  /// Q(g) and g of the current cell's upper edge, advanced by `next()`.
  private(set) var gap = 0
  private var tail = 1.0

  static let total: UInt64 = 1 << 32

  init(positionsLeft n: Int, keptLeft k: Int) {
    positionsLeft = n
    keptLeft = k
    scale = Double(Self.total - UInt64(n - k) - 1)
  }

  /// The largest gap the model allows.
  var maxGap: Int { positionsLeft - keptLeft }

  /// cum(gap) for the current `gap`. (Conversion truncates, which is ⌊·⌋ for these values in
  /// [0, 2^32); converting through Int avoids a libm floor call and the unsigned-conversion
  /// range checks on the hot path.)
  var lower: UInt64 { UInt64(truncatingIfNeeded: Int(scale * (1 - tail)) &+ gap) }

  /// Advances past every gap whose cell ends at or below `target` (an integer), i.e. to the
  /// gap whose cell holds it: cum(gap) ≤ target < cum(gap + 1). Compares in Double —
  /// ⌊scale·(1−Q)⌋ + g + 1 > target ⟺ scale·(1−Q) ≥ target − g — so the loop converts nothing.
  @inline(__always)
  mutating func advance(to target: UInt64) {
    let limit = Double(target)
    while gap < maxGap {
      let next = tail * Double(positionsLeft - keptLeft - gap) / Double(positionsLeft - gap)
      if scale * (1 - next) >= limit - Double(gap) { return }
      tail = next
      gap += 1
    }
  }

  /// Moves to gap `target` (≤ maxGap) without computing the cells in between.
  @inline(__always)
  mutating func skip(to target: Int) {
    while gap < target {
      tail = tail * Double(positionsLeft - keptLeft - gap) / Double(positionsLeft - gap)
      gap += 1
    }
  }

  /// Moves to the next gap and returns cum of the new `gap` (the old gap's upper edge).
  @inline(__always)
  mutating func next() -> UInt64 {
    tail = tail * Double(positionsLeft - keptLeft - gap) / Double(positionsLeft - gap)
    gap += 1
    return gap > maxGap ? Self.total : UInt64(truncatingIfNeeded: Int(scale * (1 - tail)) &+ gap)
  }
}
