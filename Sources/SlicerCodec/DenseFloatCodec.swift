/// Baselines that send every entry as a float: `fp32` (and `none`, which reports fp32's cost),
/// `fp16` and `bf16`. The message is the d values little-endian, nothing else.
///
/// Non-finite entries travel as the format's NaN/±∞. fp16 rounds to nearest even and
/// overflows to ±∞ above 65,504 (so a massive channel can make its distortion +∞); bf16
/// rounds to nearest even from the fp32 bits.
struct DenseFloatCodec: FeatureCodec {
  enum Format: Sendable {
    case fp32, fp16, bf16
    var bytesPerValue: Int { self == .fp32 ? 4 : 2 }
  }

  let spec: CodecSpec
  let format: Format

  func encode(_ x: [Float]) -> EncodedFeature {
    precondition(x.count <= CodecLimits.maxDimension, "vector wider than CodecLimits.maxDimension")
    let clock = ContinuousClock()
    let start = clock.now
    let bytes = Self.pack(x, format: format)
    let decoded = Self.unpack(bytes, count: x.count, format: format)
    let distortion = Distortion.relativeSquaredError(x, decoded)
    let stats = StepStats(
      totalBits: 8 * bytes.count, headerBits: 0, positionBits: 0, scaleBits: 0,
      valueBits: 8 * bytes.count, paddingBits: 0,
      kPositive: x.count { $0 > 0 }, kNegative: x.count { $0 < 0 }, groups: [],
      distortion: distortion, encodeNanoseconds: clock.now.nanoseconds(since: start),
      mode: spec.description, isPassthrough: spec.isPassthrough)
    return EncodedFeature(bytes: bytes, stats: stats)
  }

  func decode(_ bytes: [UInt8], dimension: Int) throws(CodecError) -> [Float] {
    try checkDimension(dimension)
    let expected = dimension * format.bytesPerValue
    guard bytes.count == expected else {
      throw .wrongLength(codec: spec.description, expectedBytes: expected, actualBytes: bytes.count)
    }
    return Self.unpack(bytes, count: dimension, format: format)
  }

  static func pack(_ x: [Float], format: Format) -> [UInt8] {
    var out = [UInt8]()
    out.reserveCapacity(x.count * format.bytesPerValue)
    for v in x {
      switch format {
      case .fp32:
        let b = v.bitPattern
        out.append(UInt8(truncatingIfNeeded: b))
        out.append(UInt8(truncatingIfNeeded: b >> 8))
        out.append(UInt8(truncatingIfNeeded: b >> 16))
        out.append(UInt8(truncatingIfNeeded: b >> 24))
      case .fp16:
        let b = Float16(v).bitPattern
        out.append(UInt8(truncatingIfNeeded: b))
        out.append(UInt8(truncatingIfNeeded: b >> 8))
      case .bf16:
        let b = bfloat16Bits(v)
        out.append(UInt8(truncatingIfNeeded: b))
        out.append(UInt8(truncatingIfNeeded: b >> 8))
      }
    }
    return out
  }

  /// Reads `count` values; the caller has checked the length.
  static func unpack(_ bytes: [UInt8], count: Int, format: Format, offset: Int = 0) -> [Float] {
    var out = [Float](repeating: 0, count: count)
    for i in 0..<count {
      switch format {
      case .fp32:
        let p = offset + 4 * i
        let b =
          UInt32(bytes[p]) | UInt32(bytes[p + 1]) << 8 | UInt32(bytes[p + 2]) << 16
          | UInt32(bytes[p + 3]) << 24
        out[i] = Float(bitPattern: b)
      case .fp16:
        let p = offset + 2 * i
        out[i] = Float(Float16(bitPattern: UInt16(bytes[p]) | UInt16(bytes[p + 1]) << 8))
      case .bf16:
        let p = offset + 2 * i
        out[i] = Float(bitPattern: (UInt32(bytes[p]) | UInt32(bytes[p + 1]) << 8) << 16)
      }
    }
    return out
  }

  /// fp32 → bf16 bits, round to nearest even; NaN stays a (quiet) NaN of the same sign.
  static func bfloat16Bits(_ v: Float) -> UInt16 {
    let b = v.bitPattern
    if v.isNaN { return UInt16(truncatingIfNeeded: (b >> 16) | 0x0040) }
    let rounded = b &+ 0x7FFF &+ ((b >> 16) & 1)
    return UInt16(truncatingIfNeeded: rounded >> 16)
  }
}

extension ContinuousClock.Instant {
  /// Nanoseconds from `start` to this instant (0 if negative).
  func nanoseconds(since start: ContinuousClock.Instant) -> UInt64 {
    let d = start.duration(to: self).components
    let ns = d.seconds * 1_000_000_000 + d.attoseconds / 1_000_000_000
    return ns > 0 ? UInt64(ns) : 0
  }
}
