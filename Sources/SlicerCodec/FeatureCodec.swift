/// A compressor for one feature vector (the hidden state of one token) at a time.
///
/// Both ends build the codec from the same `CodecSpec`; the decoder sees only the bytes and the
/// vector width, which the two ends agree on out of band (it is the model's hidden size).
public protocol FeatureCodec: Sendable {
  /// The spec this codec was built from.
  var spec: CodecSpec { get }

  /// Compresses `x` (`x.count` = d ≤ `CodecLimits.maxDimension`, a programmer-checked
  /// precondition). Never traps on any float values, NaN and ±∞ included; each codec documents
  /// what non-finite entries become.
  func encode(_ x: [Float]) -> EncodedFeature

  /// Rebuilds the vector from `bytes`. Any byte string either decodes or throws a `CodecError`.
  func decode(_ bytes: [UInt8], dimension: Int) throws(CodecError) -> [Float]
}

/// One encoded vector: the bytes that cross the link and what it cost.
public struct EncodedFeature: Sendable {
  public var bytes: [UInt8]
  public var stats: StepStats

  public init(bytes: [UInt8], stats: StepStats) {
    self.bytes = bytes
    self.stats = stats
  }
}

extension FeatureCodec {
  /// Throws unless `dimension` is one this module supports.
  func checkDimension(_ dimension: Int) throws(CodecError) {
    guard dimension >= 0, dimension <= CodecLimits.maxDimension else {
      throw .dimensionOutOfRange(dimension: dimension, maximum: CodecLimits.maxDimension)
    }
  }
}
