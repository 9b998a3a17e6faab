/// The static model of which positions a sparse message keeps, one symbol per chunk of 8
/// positions (format: `SlicerFormat`).
///
/// With K of d positions kept and p = K/d, a chunk whose 8-bit pattern (bit 7 = the chunk's
/// first position) has c ones gets frequency
///
///     f(c) = max(1, ⌊(2^32 − 1024)·p^c·(1 − p)^(8−c)⌋)     out of a total of 2^32,
///
/// so the patterns of one count share one frequency and the kept set costs about
/// d·H(p) = K·log2(d/K) + (d−K)·log2(d/(d−K)) bits — within ½·log2(2πK(d−K)/d) (≈ 5 bits at
/// d = 768) of the log2 C(d, K) an exact enumerative model reaches, in d/8 coder steps instead
/// of one step per position or per kept entry. Within a count, patterns are ordered by value:
/// pattern P has cumulative start(c) + rank(P)·f(c), start(c) = Σ_{c'<c} C(8,c')·f(c'). The
/// range start(9) … 2^32 is unused (≤ 2^-22 of it; the decoder rejects it). Powers are
/// computed by repeated IEEE multiplication in a fixed order, so both ends build the same
/// table from K and d.
struct ChunkModel: ~Copyable {
  static let width = 8
  static let totalBits = 32
  private static let scale = Double((UInt64(1) << 32) - 1024)
  /// UInt64 words of the tables: 9 frequencies and 10 starts.
  static let words = 19

  /// frequency[c] for c in 0...8 and start[c] for c in 0...9.
  private let frequency: UnsafeMutablePointer<UInt64>
  private let start: UnsafeMutablePointer<UInt64>
  /// Whether the tables are this model's own heap block (else the caller's storage).
  private let owned: Bool
  /// `ChunkPatterns.table`, read once here: reading the static in the per-chunk loop ran its
  /// lazy-initialisation check at every chunk.
  private let patterns = ChunkPatterns.table

  init(dimension d: Int, kept k: Int) {
    self.init(dimension: d, kept: k, storage: .allocate(capacity: Self.words), owned: true)
  }

  /// Runs `body` with the model on stack storage: the decoder builds one per message, and a
  /// heap block there measured 2–3 % of decode time on `massive` (the encoder's one, and the
  /// tests', come from `init`).
  static func with<R, E: Error>(
    dimension d: Int, kept k: Int, _ body: (borrowing ChunkModel) throws(E) -> R
  ) throws(E) -> R {
    try withUnsafeTemporaryAllocation(of: UInt64.self, capacity: words) {
      (storage) throws(E) -> R in
      try body(ChunkModel(dimension: d, kept: k, storage: storage.baseAddress!, owned: false))
    }
  }

  private init(dimension d: Int, kept k: Int, storage: UnsafeMutablePointer<UInt64>, owned: Bool)
  {
    // One block: frequency, then start.
    frequency = storage
    start = storage + 9
    self.owned = owned
    let p = Double(k) / Double(d)
    let q = Double(d - k) / Double(d)
    var powersP = (1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)
    var powersQ = powersP
    withUnsafeMutableBytes(of: &powersP) { p8 in
      withUnsafeMutableBytes(of: &powersQ) { q8 in
        let pp = p8.bindMemory(to: Double.self)
        let qq = q8.bindMemory(to: Double.self)
        for c in 1...8 {
          pp[c] = pp[c - 1] * p
          qq[c] = qq[c - 1] * q
        }
        start[0] = 0
        for c in 0...8 {
          // Truncation is ⌊·⌋ for these values in [0, 2^32).
          let f = UInt64(Self.scale * pp[c] * qq[8 - c])
          frequency[c] = max(1, f)
          start[c + 1] = start[c] + UInt64(ChunkPatterns.binomial[c]) * frequency[c]
        }
      }
    }
  }

  deinit { if owned { frequency.deallocate() } }

  /// The cell of `pattern` (0…255).
  @inline(__always)
  func cell(pattern: Int) -> (cumulative: UInt64, frequency: UInt64) {
    let c = pattern.nonzeroBitCount
    let f = frequency[c]
    return (start[c] &+ UInt64(ChunkPatterns.rank(pattern, in: patterns)) &* f, f)
  }

  /// The pattern whose cell holds the decoder's `code` when a cell is `r` wide
  /// (`RangeDecoder.scaledCode(totalBits:)`), with the code's offset `rest` in the pattern's
  /// cell and that cell's width r·frequency; nil when the code lies in the unused top of the
  /// range. Comparing the code with r·start(c) and dividing its offset by the cell width is
  /// one division where ⌊code/r⌋ and the rank within the count would be two.
  @inline(__always)
  func find(code: UInt64, width r: UInt64) -> (pattern: Int, rest: UInt64, cellWidth: UInt64)? {
    // r·start(9) ≤ r·2^32 ≤ range: no product below wraps.
    guard code < r &* start[9] else { return nil }
    // The count is the number of starts 1…8 at or below ⌊code/r⌋, i.e. with r·start ≤ code
    // (they increase strictly), summed without a branch: neighbouring chunks' counts are
    // random. (r·start − code − 1) >> 63 is −1 exactly when r·start ≤ code (all < 2^57).
    var c = 0
    for i in 1..<9 {
      c &-= Int(truncatingIfNeeded: r &* start[i] &- code &- 1) &>> 63
    }
    let cellWidth = r &* frequency[c]
    // code − r·start(c) < r·C(8,c)·f, so the rank is below C(8,c).
    let (index, rest) = (code &- r &* start[c]).quotientAndRemainder(dividingBy: cellWidth)
    return (
      ChunkPatterns.unrank(count: c, index: Int(truncatingIfNeeded: index), in: patterns), rest,
      cellWidth
    )
  }
}

/// The 256 chunk patterns ranked within their popcount, in increasing value.
enum ChunkPatterns {
  /// C(8, c).
  static let binomial: [Int] = [1, 8, 28, 56, 70, 56, 28, 8, 1]

  /// One block that lives as long as the process (built once, never freed), so a model can
  /// hold a plain pointer to it: at `ranks` the rank of each pattern P (its position among the
  /// patterns with its popcount), at `byCount` the patterns sorted by (popcount, value), at
  /// `firstOfCount` the index in `byCount` of the first pattern with c ones (c = 0…8; ≤ 255).
  /// Written only by its initialiser (which Swift runs once), read-only afterwards: safe to
  /// share between threads.
  nonisolated(unsafe) static let table: UnsafePointer<UInt8> = {
    let table = UnsafeMutablePointer<UInt8>.allocate(capacity: firstOfCount + 9)
    let sorted = (0..<256).sorted { ($0.nonzeroBitCount, $0) < ($1.nonzeroBitCount, $1) }
    var first = 0
    for c in 0...8 {
      table[firstOfCount + c] = UInt8(first)
      first += binomial[c]
    }
    for (i, pattern) in sorted.enumerated() {
      table[byCount + i] = UInt8(pattern)
      table[ranks + pattern] = UInt8(i - Int(table[firstOfCount + pattern.nonzeroBitCount]))
    }
    return UnsafePointer(table)
  }()
  private static let ranks = 0
  private static let byCount = 256
  private static let firstOfCount = 512

  static func rank(_ pattern: Int) -> Int { rank(pattern, in: table) }

  static func unrank(count: Int, index: Int) -> Int {
    unrank(count: count, index: index, in: table)
  }

  /// rank(P), read from `table` (the caller's copy of the static pointer).
  @inline(__always)
  static func rank(_ pattern: Int, in table: UnsafePointer<UInt8>) -> Int {
    Int(table[ranks &+ (pattern & 0xFF)])
  }

  /// The `index`-th pattern with `count` ones (count ≤ 8, index < C(8, count)).
  @inline(__always)
  static func unrank(count: Int, index: Int, in table: UnsafePointer<UInt8>) -> Int {
    Int(table[byCount &+ Int(table[firstOfCount &+ count]) &+ index])
  }
}
