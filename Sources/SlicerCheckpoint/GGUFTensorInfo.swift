import SlicerTensor

/// Where one tensor lives in a GGUF file and how it is laid out, already checked against the file.
///
/// ggml lists dimensions fastest-varying first: `dimensions[0]` (`ne[0]`) is the length of a
/// contiguous row. A PyTorch weight of shape `[out, in]` therefore appears as `dimensions ==
/// [in, out]`; `shape` gives the PyTorch (row-major) order. A block-quantized row is
/// `dimensions[0] / type.blockSize` blocks, rows follow each other with no padding.
public struct GGUFTensorInfo: Sendable, Equatable {
  public let name: String
  public let type: GGMLType
  /// ggml's `ne`, fastest-varying first.
  public let dimensions: [Int]
  /// The product of `dimensions`.
  public let elementCount: Int
  /// Bytes of tensor data.
  public let byteCount: Int
  /// Offset of the first byte from the start of the file (the data section start plus the
  /// relative offset stored in the file).
  public let offset: Int

  /// Dimensions slowest-varying first, as PyTorch and row-major code index them.
  public var shape: [Int] { dimensions.reversed() }

  public init(
    name: String, type: GGMLType, dimensions: [Int], elementCount: Int, byteCount: Int, offset: Int
  ) {
    self.name = name
    self.type = type
    self.dimensions = dimensions
    self.elementCount = elementCount
    self.byteCount = byteCount
    self.offset = offset
  }
}
