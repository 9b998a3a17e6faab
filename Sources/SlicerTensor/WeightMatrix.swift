import CKernels

/// A `(rows, columns)` weight matrix kept in the precision its checkpoint stores, row-major.
///
/// Kernels read it in place (`Linear`), converting on the fly and accumulating in fp32, so a
/// half-precision or 4-bit checkpoint costs half or an eighth of the memory traffic of fp32.
/// Rows can be decoded to fp32 one at a time (embedding lookups).
public struct WeightMatrix: Sendable {
  public let rows: Int
  public let columns: Int
  public let format: WeightFormat
  /// `rows × format.rowBytes(columns)` bytes.
  public let storage: WeightBytes

  /// Bytes of one stored row.
  public let rowBytes: Int

  /// Bytes of the whole matrix.
  public var byteCount: Int { storage.bytes.count }

  /// Wraps stored bytes: `storage.bytes` must hold exactly `rows` rows of `columns` elements of
  /// `format` (checked).
  public init(format: WeightFormat, rows: Int, columns: Int, storage: WeightBytes)
    throws(WeightMatrixError)
  {
    guard rows >= 0, columns >= 0 else {
      throw .invalidShape(format: format, rows: rows, columns: columns)
    }
    guard let rowBytes = format.rowBytes(columns: columns) else {
      throw .columnsNotWholeBlocks(format: format, columns: columns)
    }
    let (expected, overflow) = rows.multipliedReportingOverflow(by: rowBytes)
    guard !overflow else { throw .invalidShape(format: format, rows: rows, columns: columns) }
    guard storage.bytes.count == expected else {
      throw .byteCountMismatch(
        format: format, rows: rows, columns: columns, expected: expected,
        found: storage.bytes.count)
    }
    self.rows = rows
    self.columns = columns
    self.format = format
    self.storage = storage
    self.rowBytes = rowBytes
  }

  /// An fp32 matrix holding `values` (row-major, `rows × columns` of them).
  public init(floats values: [Float], rows: Int, columns: Int) {
    precondition(
      rows >= 0 && columns >= 0 && values.count == rows * columns,
      "\(values.count) values do not fill \(rows)×\(columns)")
    let bytes = values.withUnsafeBytes { source in
      WeightBytes(count: source.count) { $0.copyMemory(from: source) }
    }
    // The byte count matches by construction.
    self.rows = rows
    self.columns = columns
    self.format = .f32
    self.storage = bytes
    self.rowBytes = 4 * columns
  }

  /// Decodes rows `range` to fp32 into `destination` (`range.count × columns` floats), exactly
  /// as `QuantizedBlocks.dequantize` and `DType.convert` would.
  public func decodeRows(_ range: Range<Int>, into destination: UnsafeMutablePointer<Float>) {
    decodeRows(range, into: destination, portable: false)
  }

  /// `decodeRows` by the fastest kernels the CPU has, or by the portable ones (for tests).
  func decodeRows(
    _ range: Range<Int>, into destination: UnsafeMutablePointer<Float>, portable: Bool
  ) {
    precondition(range.lowerBound >= 0 && range.upperBound <= rows, "rows \(range) of \(rows)")
    guard !range.isEmpty, let base = storage.bytes.baseAddress else { return }
    let decode = portable ? ck_decode_rows_portable : ck_decode_rows
    decode(
      format.kernelFormat, base, Int64(columns), Int64(range.lowerBound), Int64(range.count),
      destination)
  }

  /// Row `r` as fp32.
  public func row(_ r: Int) -> [Float] {
    [Float](unsafeUninitializedCapacity: columns) { buffer, initialized in
      if let base = buffer.baseAddress { decodeRows(r..<(r + 1), into: base) }
      initialized = columns
    }
  }

  /// The whole matrix as fp32, row-major.
  public func floats() -> [Float] {
    [Float](unsafeUninitializedCapacity: rows * columns) { buffer, initialized in
      if let base = buffer.baseAddress { decodeRows(0..<rows, into: base) }
      initialized = rows * columns
    }
  }
}

/// Stored weights whose size does not match the shape they are said to have.
public enum WeightMatrixError: Error, Equatable, CustomStringConvertible {
  case invalidShape(format: WeightFormat, rows: Int, columns: Int)
  case columnsNotWholeBlocks(format: WeightFormat, columns: Int)
  case byteCountMismatch(format: WeightFormat, rows: Int, columns: Int, expected: Int, found: Int)

  public var description: String {
    switch self {
    case .invalidShape(let format, let rows, let columns):
      "a \(rows)×\(columns) \(format) matrix is not a valid shape"
    case .columnsNotWholeBlocks(let format, let columns):
      "rows of \(columns) elements are not a whole number of \(format) blocks of "
        + "\(format.blockSize); the checkpoint's tensor layout is not one the kernels can read"
    case .byteCountMismatch(let format, let rows, let columns, let expected, let found):
      "a \(rows)×\(columns) \(format) matrix takes \(expected) bytes, but \(found) were given; "
        + "the checkpoint is truncated or its header is wrong"
    }
  }
}
