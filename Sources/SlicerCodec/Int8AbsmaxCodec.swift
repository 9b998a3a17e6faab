/// Baseline `int8`: per-vector absmax scaling to signed bytes.
///
/// Layout (4 + d bytes):
///
///     bytes 0…3   a = max |x_i| over finite entries, fp32 little-endian (finite, ≥ 0)
///     bytes 4…    q_i ∈ −127…127 as two's-complement bytes;  x̂_i = q_i · a / 127
///
/// q_i = round(127 · x_i / a). Non-finite entries have no faithful int8 value and are sent as 0.
struct Int8AbsmaxCodec: FeatureCodec {
  var spec: CodecSpec { .int8 }

  func encode(_ x: [Float]) -> EncodedFeature {
    precondition(x.count <= CodecLimits.maxDimension, "vector wider than CodecLimits.maxDimension")
    let clock = ContinuousClock()
    let start = clock.now
    var absmax: Float = 0
    for v in x where v.isFinite { absmax = max(absmax, abs(v)) }
    let scale = absmax > 0 ? 127 / Double(absmax) : 0
    let bytes = [UInt8](unsafeUninitializedCapacity: 4 + x.count) { out, initialized in
      let a = absmax.bitPattern
      for i in 0..<4 { out[i] = UInt8(truncatingIfNeeded: a >> UInt32(8 * i)) }
      for (i, v) in x.enumerated() {
        out[4 + i] = UInt8(bitPattern: Int8(v.isFinite ? Self.quantize(Double(v) * scale) : 0))
      }
      initialized = 4 + x.count
    }
    let decoded = Self.unpack(bytes, dimension: x.count)
    let stats = StepStats(
      totalBits: 8 * bytes.count, headerBits: 0, positionBits: 0, scaleBits: 32,
      valueBits: 8 * x.count, paddingBits: 0,
      kPositive: x.count { $0 > 0 }, kNegative: x.count { $0 < 0 }, groups: [],
      distortion: Distortion.relativeSquaredError(x, decoded),
      encodeNanoseconds: clock.now.nanoseconds(since: start), mode: "int8")
    return EncodedFeature(bytes: bytes, stats: stats)
  }

  func decode(_ bytes: [UInt8], dimension: Int) throws(CodecError) -> [Float] {
    try checkDimension(dimension)
    guard bytes.count == 4 + dimension else {
      throw .wrongLength(codec: "int8", expectedBytes: 4 + dimension, actualBytes: bytes.count)
    }
    let absmax = Self.scale(bytes)
    guard absmax.isFinite, absmax >= 0, absmax.sign == .plus else {
      throw .corrupt(codec: "int8", detail: "the absmax scale \(absmax) is not a finite number ≥ 0")
    }
    for i in 0..<dimension where bytes[4 + i] == 0x80 {
      throw .corrupt(
        codec: "int8", detail: "entry \(i) is −128, outside the encoder's range −127…127")
    }
    return Self.unpack(bytes, dimension: dimension)
  }

  /// round(y) (halves away from zero) clamped to −127…127, for |y| < 2^62. Through an integer
  /// conversion rather than `rounded()`, which on x86-64 without SSE4.1 is a call into libm:
  /// y minus its truncation is exact, so comparing it with ±½ rounds exactly as `round` does.
  @inline(__always)
  static func quantize(_ y: Double) -> Int {
    let whole = Int(y)
    let fraction = y - Double(whole)
    let q = whole + (fraction >= 0.5 ? 1 : (fraction <= -0.5 ? -1 : 0))
    return max(-127, min(127, q))
  }

  private static func scale(_ bytes: [UInt8]) -> Float {
    Float(
      bitPattern: UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(
        bytes[3]) << 24)
  }

  private static func unpack(_ bytes: [UInt8], dimension: Int) -> [Float] {
    let absmax = Double(scale(bytes))
    return [Float](unsafeUninitializedCapacity: dimension) { out, initialized in
      bytes.withUnsafeBufferPointer { bytes in
        for i in 0..<dimension {
          out[i] = Float(Double(Int8(bitPattern: bytes[4 + i])) * absmax / 127)
        }
      }
      initialized = dimension
    }
  }
}
