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

  /// The values little-endian, `format.bytesPerValue` bytes each: one plain loop per format
  /// over raw buffers (no per-byte appends), fp16 through `HalfPrecision`.
  static func pack(_ x: [Float], format: Format) -> [UInt8] {
    let size = x.count * format.bytesPerValue
    return [UInt8](unsafeUninitializedCapacity: size) { out, initialized in
      let out = UnsafeMutableRawBufferPointer(out)
      x.withUnsafeBufferPointer { x in
        switch format {
        case .fp32:
          for i in x.indices {
            out.storeBytes(of: x[i].bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
          }
        case .fp16:
          for i in x.indices {
            out.storeBytes(
              of: HalfPrecision.bits(x[i]).littleEndian, toByteOffset: 2 * i, as: UInt16.self)
          }
        case .bf16:
          for i in x.indices {
            out.storeBytes(
              of: bfloat16Bits(x[i]).littleEndian, toByteOffset: 2 * i, as: UInt16.self)
          }
        }
      }
      initialized = size
    }
  }

  /// Reads `count` values starting at byte `offset`; the caller has checked the length.
  static func unpack(_ bytes: [UInt8], count: Int, format: Format, offset: Int = 0) -> [Float] {
    precondition(
      offset >= 0 && bytes.count - offset >= count * format.bytesPerValue,
      "dense message shorter than its values")
    return [Float](unsafeUninitializedCapacity: count) { out, initialized in
      bytes.withUnsafeBytes { raw in
        let raw = UnsafeRawBufferPointer(rebasing: raw[offset...])
        switch format {
        case .fp32:
          for i in 0..<count {
            out[i] = Float(
              bitPattern: UInt32(
                littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
          }
        case .fp16:
          for i in 0..<count {
            out[i] = HalfPrecision.float(
              UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
          }
        case .bf16:
          for i in 0..<count {
            let bits = raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
            out[i] = Float(bitPattern: UInt32(UInt16(littleEndian: bits)) << 16)
          }
        }
      }
      initialized = count
    }
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
