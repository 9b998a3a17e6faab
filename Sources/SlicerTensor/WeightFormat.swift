import CKernels

/// How a weight matrix's elements are stored, and so what a kernel reads per row.
///
/// Rows are packed back to back with no padding. The block formats are ggml's (see
/// `QuantizedBlocks` for their layouts): a row of `n` elements is `n / 32` blocks.
///
/// | format | bytes per 32 elements | element |
/// | --- | --- | --- |
/// | `f32` | 128 | IEEE single |
/// | `f16` | 64 | IEEE half |
/// | `bf16` | 64 | bfloat16 (the high half of a single) |
/// | `q8_0` | 34 | `d·q`, fp16 `d` per block, int8 `q` |
/// | `q4_0` | 18 | `d·(q − 8)`, fp16 `d` per block, 4-bit `q` |
/// | `q4_1` | 20 | `d·q + m`, fp16 `d`, `m` per block, 4-bit `q` |
public enum WeightFormat: String, Sendable, CaseIterable {
  case f32 = "F32"
  case f16 = "F16"
  case bf16 = "BF16"
  case q8_0 = "Q8_0"
  case q4_0 = "Q4_0"
  case q4_1 = "Q4_1"

  /// Elements per block: 1 for the element formats, 32 for the block formats.
  public var blockSize: Int {
    switch self {
    case .f32, .f16, .bf16: 1
    case .q8_0, .q4_0, .q4_1: 32
    }
  }

  /// Bytes per block.
  public var bytesPerBlock: Int {
    switch self {
    case .f32: 4
    case .f16, .bf16: 2
    case .q8_0: 34
    case .q4_0: 18
    case .q4_1: 20
    }
  }

  /// Bytes of one row of `columns` elements, or nil when `columns` is negative, not a whole
  /// number of blocks, or too large.
  public func rowBytes(columns: Int) -> Int? {
    guard columns >= 0, columns % blockSize == 0 else { return nil }
    let (bytes, overflow) = (columns / blockSize).multipliedReportingOverflow(by: bytesPerBlock)
    return overflow ? nil : bytes
  }

  /// The storage for a checkpoint element type.
  public init(_ dtype: DType) {
    switch dtype {
    case .f32: self = .f32
    case .f16: self = .f16
    case .bf16: self = .bf16
    }
  }

  /// The storage for a ggml type, or nil when kernels cannot read it directly.
  public init?(_ type: GGMLType) {
    switch type {
    case .f32: self = .f32
    case .f16: self = .f16
    case .bf16: self = .bf16
    case .q8_0: self = .q8_0
    case .q4_0: self = .q4_0
    case .q4_1: self = .q4_1
    default: return nil
    }
  }

  var kernelFormat: ck_format {
    switch self {
    case .f32: CK_F32
    case .f16: CK_F16
    case .bf16: CK_BF16
    case .q8_0: CK_Q8_0
    case .q4_0: CK_Q4_0
    case .q4_1: CK_Q4_1
    }
  }
}

extension WeightFormat: CustomStringConvertible {
  public var description: String { rawValue }
}
