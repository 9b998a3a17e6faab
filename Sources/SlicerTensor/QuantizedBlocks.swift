/// ggml's tensor element types (the `type` field of a GGUF tensor info), with the block geometry
/// needed to size and validate a tensor, and decoding to fp32 for the types we support.
///
/// Raw values are ggml's `enum ggml_type` ids (ggml.h; the same table as gguf-py's
/// `GGMLQuantizationType`). Ids 4 and 5 (the removed Q4_2/Q4_3) and 31–33 (removed Q4_0_4x4 …
/// repackings) are gone from the format and deliberately absent here.
public enum GGMLType: UInt32, Sendable, CaseIterable {
  case f32 = 0
  case f16 = 1
  case q4_0 = 2
  case q4_1 = 3
  case q5_0 = 6
  case q5_1 = 7
  case q8_0 = 8
  case q8_1 = 9
  case q2_K = 10
  case q3_K = 11
  case q4_K = 12
  case q5_K = 13
  case q6_K = 14
  case q8_K = 15
  case iq2_XXS = 16
  case iq2_XS = 17
  case iq3_XXS = 18
  case iq1_S = 19
  case iq4_NL = 20
  case iq3_S = 21
  case iq2_S = 22
  case iq4_XS = 23
  case i8 = 24
  case i16 = 25
  case i32 = 26
  case i64 = 27
  case f64 = 28
  case iq1_M = 29
  case bf16 = 30
  case tq1_0 = 34
  case tq2_0 = 35
  case mxfp4 = 39

  /// Elements per block: 1 for plain element types, 32 for the "legacy" quants, 256 (QK_K) for
  /// the k-quants and most i-quants.
  public var blockSize: Int {
    switch self {
    case .f32, .f16, .bf16, .f64, .i8, .i16, .i32, .i64: 1
    case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q8_1, .iq4_NL, .mxfp4: 32
    case .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .q8_K, .iq2_XXS, .iq2_XS, .iq3_XXS, .iq1_S, .iq3_S,
      .iq2_S, .iq4_XS, .iq1_M, .tq1_0, .tq2_0:
      256
    }
  }

  /// Bytes per block (ggml's `type_size`), so a row of `n` elements takes
  /// `n / blockSize * bytesPerBlock` bytes.
  public var bytesPerBlock: Int {
    switch self {
    case .i8: 1
    case .f16, .bf16, .i16: 2
    case .f32, .i32: 4
    case .f64, .i64: 8
    case .q4_0: 2 + 16  // d, 32 nibbles
    case .q4_1: 2 + 2 + 16  // d, m, 32 nibbles
    case .q5_0: 2 + 4 + 16  // d, 32 high bits, 32 nibbles
    case .q5_1: 2 + 2 + 4 + 16  // d, m, 32 high bits, 32 nibbles
    case .q8_0: 2 + 32  // d, 32 int8
    case .q8_1: 4 + 4 + 32  // d, s (fp32 here, unlike the others' fp16), 32 int8
    case .q2_K: 2 + 2 + 16 + 64
    case .q3_K: 2 + 64 + 32 + 12
    case .q4_K: 2 + 2 + 128 + 12
    case .q5_K: 2 + 2 + 128 + 32 + 12
    case .q6_K: 2 + 128 + 64 + 16
    case .q8_K: 4 + 256 + 32
    case .iq2_XXS: 2 + 64
    case .iq2_XS: 2 + 64 + 8
    case .iq3_XXS: 2 + 64 + 32
    case .iq1_S: 2 + 32 + 16
    case .iq4_NL: 2 + 16
    case .iq3_S: 2 + 64 + 32 + 8 + 4
    case .iq2_S: 2 + 64 + 16
    case .iq4_XS: 2 + 2 + 128 + 4
    case .iq1_M: 32 + 16 + 8
    case .tq1_0: 2 + 4 * 13
    case .tq2_0: 2 + 64
    case .mxfp4: 1 + 16
    }
  }

  /// ggml's spelling of the type ("Q4_1", "F32", …), for messages.
  public var name: String {
    switch self {
    case .f32: "F32"
    case .f16: "F16"
    case .bf16: "BF16"
    case .f64: "F64"
    case .i8: "I8"
    case .i16: "I16"
    case .i32: "I32"
    case .i64: "I64"
    case .q4_0: "Q4_0"
    case .q4_1: "Q4_1"
    case .q5_0: "Q5_0"
    case .q5_1: "Q5_1"
    case .q8_0: "Q8_0"
    case .q8_1: "Q8_1"
    case .q2_K: "Q2_K"
    case .q3_K: "Q3_K"
    case .q4_K: "Q4_K"
    case .q5_K: "Q5_K"
    case .q6_K: "Q6_K"
    case .q8_K: "Q8_K"
    case .iq2_XXS: "IQ2_XXS"
    case .iq2_XS: "IQ2_XS"
    case .iq3_XXS: "IQ3_XXS"
    case .iq1_S: "IQ1_S"
    case .iq4_NL: "IQ4_NL"
    case .iq3_S: "IQ3_S"
    case .iq2_S: "IQ2_S"
    case .iq4_XS: "IQ4_XS"
    case .iq1_M: "IQ1_M"
    case .tq1_0: "TQ1_0"
    case .tq2_0: "TQ2_0"
    case .mxfp4: "MXFP4"
    }
  }

  /// Whether `QuantizedBlocks.dequantize` can decode this type.
  public var isDequantizable: Bool {
    switch self {
    case .f32, .f16, .bf16, .q4_0, .q4_1, .q8_0: true
    default: false
    }
  }

  /// Bytes taken by `count` elements, or nil when `count` is not a whole number of blocks or the
  /// size overflows `Int`.
  public func byteCount(elements count: Int) -> Int? {
    guard count >= 0, count % blockSize == 0 else { return nil }
    let (bytes, overflow) = (count / blockSize).multipliedReportingOverflow(by: bytesPerBlock)
    return overflow ? nil : bytes
  }
}

extension GGMLType: CustomStringConvertible {
  public var description: String { name }
}

/// Decoding of ggml's block layouts to fp32.
///
/// All multi-byte fields are little-endian; blocks are packed back to back with no padding, and
/// neither blocks nor fields are aligned in the file, so every load is unaligned.
///
/// ```
/// Q8_0, 34 bytes → 32 elements          Q4_1, 20 bytes → 32 elements
/// ┌────────┬──────────────────────┐     ┌────────┬────────┬────────────────────────┐
/// │ d: f16 │ q[0..<32]: int8      │     │ d: f16 │ m: f16 │ qs[0..<16]: 2 nibbles  │
/// └────────┴──────────────────────┘     └────────┴────────┴────────────────────────┘
/// x[j] = d · q[j]                       x[j]      = d · (qs[j] & 0x0F) + m   (j < 16)
///                                       x[j + 16] = d · (qs[j] >> 4)   + m
///
/// Q4_0, 18 bytes → 32 elements: like Q4_1 without m, the nibbles centred on 8:
///                                       x[j] = d · ((qs[j] & 0x0F) − 8), x[j + 16] = d · ((qs[j] >> 4) − 8)
/// ```
/// (ggml-common.h `block_q8_0`/`block_q4_1`/`block_q4_0`, ggml-quants.c `dequantize_row_*`.)
/// The arithmetic is the reference's: the fp16 fields widened to fp32, then one fp32 multiply
/// (and one add), so results match ggml and gguf-py bit for bit.
public enum QuantizedBlocks {
  /// Decodes `count` elements of `type` at `source` into `destination`.
  ///
  /// Preconditions (programmer errors: a checkpoint reader validates its input before calling):
  /// `type.isDequantizable`, and `count` is a multiple of `type.blockSize`. `source` must hold
  /// `type.byteCount(elements: count)` bytes; it need not be aligned.
  public static func dequantize(
    _ type: GGMLType, _ source: UnsafeRawPointer, count: Int,
    into destination: UnsafeMutablePointer<Float>
  ) {
    precondition(
      count >= 0 && count % type.blockSize == 0, "\(count) is not a whole number of \(type) blocks")
    switch type {
    case .f32: DType.f32.convert(source, count: count, into: destination)
    case .f16: DType.f16.convert(source, count: count, into: destination)
    case .bf16: DType.bf16.convert(source, count: count, into: destination)
    case .q8_0: dequantizeQ8_0(source, blocks: count / 32, into: destination)
    case .q4_1: dequantizeQ4_1(source, blocks: count / 32, into: destination)
    case .q4_0: dequantizeQ4_0(source, blocks: count / 32, into: destination)
    default: preconditionFailure("\(type) cannot be dequantized")
    }
  }

  /// Decodes `count` elements of `type` at `source` into a new array.
  public static func dequantize(_ type: GGMLType, _ source: UnsafeRawPointer, count: Int) -> [Float]
  {
    [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      if let base = buffer.baseAddress { dequantize(type, source, count: count, into: base) }
      initialized = count
    }
  }

  @inline(__always)
  private static func half(_ source: UnsafeRawPointer, _ offset: Int) -> Float {
    Float(
      Float16(
        bitPattern: UInt16(
          littleEndian: source.loadUnaligned(fromByteOffset: offset, as: UInt16.self))))
  }

  private static func dequantizeQ8_0(
    _ source: UnsafeRawPointer, blocks: Int, into destination: UnsafeMutablePointer<Float>
  ) {
    for b in 0..<blocks {
      let block = source + b * 34
      let out = destination + b * 32
      let d = half(block, 0)
      for j in 0..<32 { out[j] = d * Float(block.load(fromByteOffset: 2 + j, as: Int8.self)) }
    }
  }

  private static func dequantizeQ4_1(
    _ source: UnsafeRawPointer, blocks: Int, into destination: UnsafeMutablePointer<Float>
  ) {
    for b in 0..<blocks {
      let block = source + b * 20
      let out = destination + b * 32
      let d = half(block, 0)
      let m = half(block, 2)
      for j in 0..<16 {
        let byte = block.load(fromByteOffset: 4 + j, as: UInt8.self)
        out[j] = d * Float(byte & 0x0F) + m
        out[j + 16] = d * Float(byte >> 4) + m
      }
    }
  }

  private static func dequantizeQ4_0(
    _ source: UnsafeRawPointer, blocks: Int, into destination: UnsafeMutablePointer<Float>
  ) {
    for b in 0..<blocks {
      let block = source + b * 18
      let out = destination + b * 32
      let d = half(block, 0)
      for j in 0..<16 {
        let byte = block.load(fromByteOffset: 2 + j, as: UInt8.self)
        out[j] = d * Float(Int(byte & 0x0F) - 8)
        out[j + 16] = d * Float(Int(byte >> 4) - 8)
      }
    }
  }
}
