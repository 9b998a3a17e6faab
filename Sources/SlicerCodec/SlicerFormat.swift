/// The SLICER message format. Every message starts with a 3-bit mode (bits MSB-first, see
/// `BitWriter`); what follows depends on it:
///
///     mode 0  zero     x̂ = 0. One byte, 0x00.
///     mode 2  fp16     byte 0 = 0x40, then d fp16 values little-endian.  (dense fallback)
///     mode 3  fp32     byte 0 = 0x60, then d fp32 values little-endian.  (lossless fallback)
///     mode 4  sparse   ATKF + MS + ABQ, range-coded (below).
///     1, 5…7           never written; decoding them throws `CodecError.unknownMode`. Mode 1
///                      was the sparse format of slicer 0.1 (kept positions as gaps under an
///                      exact enumerative model, one coder step per position); its messages
///                      are rejected rather than misread.
///
/// Sparse messages are one range-coded number (`RangeEncoder`, bytes = its binary digits)
/// carrying, in order, with the static model named on the right (no per-message codebook; both
/// ends know every model from d and the fields already decoded):
///
///     mode = 4         3 bits (uniform 0..<8)  first, so byte 0's top 3 bits are 100 as for
///                                              any message starting with mode 4
///     K − 1            uniform 0..<d           kept entries, K = K+ + K− ≥ 1
///     K+               uniform 0...K           kept positive entries (K− = K − K+)
///     m                uniform 0...7           mantissa bits of the boundary codes
///     for each sign stream s (positive, then negative) with K_s > 0:
///       O_s            0…min(7, K_s), P(0) = 112/T, P(o) = 2/T   outliers (singleton groups)
///       G_s − 1        uniform 0..<min(16, K_s − O_s)   equal groups [absent if K_s = O_s]
///       b_0 … b_{G+O−1} uniform 0...8 each     bitwidths: equal groups smallest first, then
///                                              outliers smallest first
///       u_{O−1}        uniform 0..<278·2^m − 1  largest outlier's code     [if O_s > 0]
///       u_i, i = O−2…0 u_{i+1} − u_i, order-m Exp-Golomb                   [if O_s > 1]
///       c_G            u_0 + 1 − c_G as order-m Exp-Golomb if O_s > 0,
///                      else uniform 0..<278·2^m                            [if G_s > 0]
///       c_j, j = G−1…0 c_{j+1} − c_j, order-m Exp-Golomb (all Exp-Golomb bits at ½)
///     for each chunk of 8 positions (8i … 8i+7), until all K kept entries are placed:
///       pattern        which of its positions are kept, bit 7 = position 8i, `ChunkModel`
///                      (static: P(pattern) ≈ p^c·(1−p)^(8−c), p = K/d, c = its ones;
///                      total 2^32). Positions ≥ d must be 0.
///       then for each kept position of the chunk, in order:
///       (sign, group, q)  one symbol, `LabelTable`: P = (left in group)/k · 2^-b_group, with
///                      k kept entries not yet coded; q is the value's index 0..<2^b in its group
///     termination      one byte: the top byte of the smallest multiple of 2^48 in the
///                      coder's final interval (`RangeEncoder.finish()`)
///
/// MS: a stream's top O_s magnitudes are outliers — each its own group, reconstructed within
/// its code cell [value(u_i), value(u_i + 1)] (relative width 2^-m), so a massive channel costs
/// a few bits instead of stretching a whole group's range. The other K_s − O_s magnitudes,
/// ranked by size, form G_s groups of equal cardinality: sizes ⌊(K_s−O_s)/G_s⌋, the top
/// (K_s−O_s) mod G_s groups one more. Equal group j is reconstructed in
/// [value(c_j), value(c_{j+1})]. ABQ: `GroupQuantizer`. The label model is the exact
/// enumerative probability, so signs and groups cost log2 of the multinomial
/// K!/(K+!·K−!) · Π_s K_s!/Π_j n_j!; the chunk patterns cost about d·H(K/d), a few bits above
/// log2 C(d, K), in d/8 coder steps (at most; the chunks after the last kept entry are not
/// sent) instead of one step per position.
/// The decoder knows the coded length from the coder's renormalisation steps (one byte each,
/// plus the terminating byte), so the byte count must match exactly, and the last byte must be
/// the encoder's termination for the final coder state. That rejects extended messages and
/// nearly all truncated or damaged ones; a damaged message that happens to be another valid one decodes (the format
/// has no checksum — transport integrity is the wire protocol's job).
public enum SlicerFormat {
  /// Groups per sign stream the format can express.
  public static let maxGroups = 16
  /// Groups per sign stream the encoder considers unless the spec says otherwise.
  public static let defaultMaxGroups = 8
  /// Outliers (singleton groups) per sign stream the format can express.
  public static let maxOutliers = 7
  /// Bitwidths 0…8.
  static let maxBits = 8
  /// Static model of the outlier count: frequency of 0 and of each count 1…maxOutliers.
  static let noOutlierFrequency = 112
  static let outlierFrequency = 2
  static let modeBits = 3

  enum Mode: Int {
    case zero = 0
    /// 4, not 1: the sparse layout changed in slicer 0.2 and mode 1 is retired (see above).
    case sparse = 4
    case fp16 = 2
    case fp32 = 3
  }

  /// Size of group `j` (0 = smallest) of `groups` equal-cardinality groups over `kept`
  /// magnitudes: the top `kept mod groups` groups have one member more.
  @inline(__always)
  static func groupSize(_ j: Int, kept: Int, groups: Int) -> Int {
    kept / groups + (j >= groups - kept % groups ? 1 : 0)
  }

  /// Members of label `j` of a stream keeping `kept` with `groups` equal groups and `outliers`
  /// singletons (label order: the equal groups, then the outliers).
  @inline(__always)
  static func labelSize(_ j: Int, kept: Int, groups g: Int, outliers o: Int) -> Int {
    j < g ? groupSize(j, kept: kept - o, groups: g) : 1
  }

  /// The ranks (into a stream's magnitudes, largest first) of label `j` of a stream keeping its
  /// top `kept` with `groups` equal groups and `outliers` singletons, in label order: the equal
  /// groups smallest first (group 0 ends at rank `kept`, each next one ends where the previous
  /// began), then the outliers smallest first (outlier i at rank `outliers` − 1 − i).
  @inline(__always)
  static func ranks(ofLabel j: Int, kept: Int, groups g: Int, outliers o: Int) -> Range<Int> {
    if j >= g { return (o - 1 - (j - g))..<(o - (j - g)) }
    let rest = kept - o
    let base = rest / g
    // Groups g − (rest mod g) and up have one member more.
    let end = kept - j * base - max(0, j - (g - rest % g))
    return (end - groupSize(j, kept: rest, groups: g))..<end
  }
}

/// One sign stream of a sparse message. Groups are numbered as the format labels them: the
/// `groupCount` equal groups smallest first, then the `outliers` singletons smallest first.
struct StreamLayout: Equatable {
  var kept: Int
  var outliers: Int
  /// One per group, in label order.
  var bitwidths: [Int]
  /// Boundary codes of the equal groups, ascending (`groupCount` + 1 of them; empty if none).
  var codes: [Int]
  /// Cell codes of the outliers, ascending.
  var outlierCodes: [Int]

  var groupCount: Int { bitwidths.count - outliers }

  static let empty = StreamLayout(kept: 0, outliers: 0, bitwidths: [], codes: [], outlierCodes: [])

  /// Members of group `j` (label order).
  @inline(__always)
  func size(_ j: Int) -> Int {
    SlicerFormat.labelSize(j, kept: kept, groups: groupCount, outliers: outliers)
  }

  /// The ranks of group `j` (label order) in the stream's magnitudes, largest first.
  @inline(__always)
  func ranks(_ j: Int) -> Range<Int> {
    SlicerFormat.ranks(ofLabel: j, kept: kept, groups: groupCount, outliers: outliers)
  }

  /// The range codes (lo, hi) of group `j` in label order.
  func rangeCodes(_ j: Int) -> (lo: Int, hi: Int) {
    j < groupCount
      ? (codes[j], codes[j + 1]) : (outlierCodes[j - groupCount], outlierCodes[j - groupCount] + 1)
  }

  func quantizer(_ j: Int, mantissaBits m: Int) -> GroupQuantizer {
    let (lo, hi) = rangeCodes(j)
    return GroupQuantizer(loCode: lo, hiCode: hi, mantissaBits: m, bits: bitwidths[j])
  }
}

/// Everything a sparse message says, in the encoder's terms.
struct SparseMessage {
  var dimension: Int
  var mantissaBits: Int
  /// [positive, negative].
  var streams: [StreamLayout]
  /// Per position: −1 when not sent, else `slot(stream:group:index:)`.
  var slots: [Int32]

  static func slot(stream: Int, group: Int, index: Int) -> Int32 {
    Int32(stream << 16 | group << 8 | index)
  }

  /// The vector a decoder rebuilds from this message, computed without coding: the same
  /// `GroupQuantizer` values the decoder uses, placed and signed the same way. The encoder
  /// measures its distortion on this; tests check it equals `SparseMessageCoder.read` of the
  /// written bytes bit for bit.
  func reconstruction() -> [Float] {
    var quantizers = [[GroupQuantizer]]()
    for layout in streams {
      quantizers.append(
        (0..<layout.bitwidths.count).map { layout.quantizer($0, mantissaBits: mantissaBits) })
    }
    var out = [Float](repeating: 0, count: dimension)
    for i in 0..<dimension {
      let slot = Int(slots[i])
      guard slot >= 0 else { continue }
      let s = slot >> 16
      let magnitude = quantizers[s][(slot >> 8) & 0xFF].reconstruct(slot & 0xFF)
      out[i] = s == 0 ? magnitude : -magnitude
    }
    return out
  }
}
