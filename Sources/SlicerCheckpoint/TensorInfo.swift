import SlicerTensor

/// What a checkpoint says about one tensor: its name, element type and shape.
public struct TensorInfo: Sendable, Equatable {
  /// The name exactly as stored, e.g. `model.decoder.layers.0.fc1.weight`.
  public var name: String
  /// The stored element type.
  public var dtype: DType
  /// Dimensions, outermost first (row-major), e.g. `[50272, 64]` for OPT's token embedding.
  public var shape: [Int]

  public init(name: String, dtype: DType, shape: [Int]) {
    self.name = name
    self.dtype = dtype
    self.shape = shape
  }

  /// The number of elements (1 for a scalar). The readers reject shapes whose product
  /// overflows, so this is exact for every `TensorInfo` they return.
  public var count: Int { shape.reduce(1, *) }

  /// The element count of `shape`, or nil when a dimension is negative or the product
  /// overflows `Int` (checked before anything read from a file is trusted).
  static func elementCount(of shape: [Int]) -> Int? {
    var product = 1
    for dimension in shape {
      guard dimension >= 0 else { return nil }
      let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
      guard !overflow else { return nil }
      product = next
    }
    return product
  }

  /// The byte count of `count` elements of `dtype`, or nil on overflow.
  static func byteCount(elements count: Int, dtype: DType) -> Int? {
    let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.size)
    return overflow ? nil : bytes
  }
}
