/// What one encoded vector cost and how faithful it is. Returned with every `encode`.
///
/// Bits by part always sum to `totalBits` = 8 × bytes, every bit on the link:
/// `headerBits + positionBits + scaleBits + valueBits + paddingBits == totalBits`.
/// For arithmetic-coded parts the per-part numbers are each part's information content rounded
/// to whole bits; the coder's termination, rounding and byte padding land in `paddingBits`.
public struct StepStats: Sendable, Codable, Equatable {
  /// 8 × the message's byte count.
  public var totalBits: Int
  /// Mode, counts, group counts, bitwidths and other framing fields.
  public var headerBits: Int
  /// Which entries were kept, their signs, and (SLICER) which magnitude group each belongs to.
  public var positionBits: Int
  /// Scales and group ranges.
  public var scaleBits: Int
  /// The quantized values themselves.
  public var valueBits: Int
  /// Coder termination and byte padding.
  public var paddingBits: Int
  /// Number of transmitted (nonzero) positive and negative entries.
  public var kPositive: Int
  public var kNegative: Int
  /// SLICER's magnitude groups, positive stream first, each in label order: equal groups from
  /// small to large magnitude, then the outliers (count 1, range = their code cell).
  /// Empty for the baselines and SLICER's dense and zero modes.
  public var groups: [GroupStats]
  /// Relative squared error ‖x−x̂‖²/‖x‖² of the vector the decoder actually returns
  /// (see `Distortion.relativeSquaredError`).
  public var distortion: Double
  /// −10·log10(distortion); +∞ when the reconstruction is exact.
  public var snrDB: Double
  /// Wall time of `encode`, including the self-check decode.
  public var encodeNanoseconds: UInt64
  /// How the message is laid out: the baseline's name, or for SLICER one of `zero`, `sparse`,
  /// `fp16` (dense fallback) and `fp32` (lossless fallback).
  public var mode: String
  /// True for the `none` spec: the tail receives the float vector itself and the bit counts
  /// describe what fp32 would cost, not a real link.
  public var isPassthrough: Bool

  public init(
    totalBits: Int, headerBits: Int, positionBits: Int, scaleBits: Int, valueBits: Int,
    paddingBits: Int, kPositive: Int, kNegative: Int, groups: [GroupStats], distortion: Double,
    encodeNanoseconds: UInt64, mode: String, isPassthrough: Bool = false
  ) {
    self.totalBits = totalBits
    self.headerBits = headerBits
    self.positionBits = positionBits
    self.scaleBits = scaleBits
    self.valueBits = valueBits
    self.paddingBits = paddingBits
    self.kPositive = kPositive
    self.kNegative = kNegative
    self.groups = groups
    self.distortion = distortion
    self.snrDB = Distortion.snrDB(distortion)
    self.encodeNanoseconds = encodeNanoseconds
    self.mode = mode
    self.isPassthrough = isPassthrough
  }
}

/// One SLICER magnitude group: `count` kept entries of one sign whose magnitudes are
/// reconstructed inside [`lo`, `hi`] with `bits` bits each (0 = the group's midpoint).
public struct GroupStats: Sendable, Codable, Equatable {
  public enum Sign: String, Sendable, Codable { case positive, negative }
  public var sign: Sign
  public var count: Int
  public var lo: Float
  public var hi: Float
  public var bits: Int

  public init(sign: Sign, count: Int, lo: Float, hi: Float, bits: Int) {
    self.sign = sign
    self.count = count
    self.lo = lo
    self.hi = hi
    self.bits = bits
  }
}
