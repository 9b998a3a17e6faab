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

  /// frequency[c] for c in 0...8 and start[c] for c in 0...9.
  private let frequency: UnsafeMutablePointer<UInt64>
  private let start: UnsafeMutablePointer<UInt64>

  init(dimension d: Int, kept k: Int) {
    // One block: frequency, then start.
    frequency = .allocate(capacity: 9 + 10)
    start = frequency + 9
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

  deinit { frequency.deallocate() }

  /// The cell of `pattern` (0…255).
  @inline(__always)
  func cell(pattern: Int) -> (cumulative: UInt64, frequency: UInt64) {
    let c = pattern.nonzeroBitCount
    let f = frequency[c]
    return (start[c] &+ UInt64(ChunkPatterns.rank(pattern)) &* f, f)
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
    return (ChunkPatterns.unrank(count: c, index: Int(truncatingIfNeeded: index)), rest, cellWidth)
  }
}

/// The 256 chunk patterns ranked within their popcount, in increasing value.
enum ChunkPatterns {
  /// C(8, c).
  static let binomial: [Int] = [1, 8, 28, 56, 70, 56, 28, 8, 1]
  /// First index in `byCount` of the patterns with c ones.
  private static let firstOfCount: [Int] = {
    var first = [0]
    for c in 0..<8 { first.append(first[c] + binomial[c]) }
    return first
  }()
  /// The patterns sorted by (popcount, value).
  private static let byCount: [UInt8] = (0..<256).sorted {
    ($0.nonzeroBitCount, $0) < ($1.nonzeroBitCount, $1)
  }.map { UInt8($0) }
  /// rank[P]: position of P among the patterns with its popcount.
  private static let ranks: [UInt8] = {
    var r = [UInt8](repeating: 0, count: 256)
    for (i, pattern) in byCount.enumerated() {
      r[Int(pattern)] = UInt8(i - firstOfCount[pattern.nonzeroBitCount])
    }
    return r
  }()

  @inline(__always)
  static func rank(_ pattern: Int) -> Int { Int(ranks[pattern & 0xFF]) }

  /// The `index`-th pattern with `count` ones (index < C(8, count)).
  @inline(__always)
  static func unrank(count: Int, index: Int) -> Int { Int(byCount[firstOfCount[count] + index]) }
}
