/// A row-major fp32 matrix: one row per token, `columns` features per row.
///
/// The whole engine moves activations as `Matrix` values: `rows × columns`, element `(r, c)` at
/// `values[r * columns + c]`.
public struct Matrix: Sendable, Equatable {
  public var rows: Int
  public var columns: Int
  public var values: [Float]

  public init(rows: Int, columns: Int, values: [Float]) {
    precondition(values.count == rows * columns, "Matrix values do not match \(rows)×\(columns)")
    self.rows = rows
    self.columns = columns
    self.values = values
  }

  /// A zero-filled matrix.
  public init(zeros rows: Int, _ columns: Int) {
    self.init(rows: rows, columns: columns, values: [Float](repeating: 0, count: rows * columns))
  }

  /// One row as a new array.
  public func row(_ r: Int) -> [Float] {
    Array(values[(r * columns)..<((r + 1) * columns)])
  }

  /// Rows `range` as a new matrix.
  public func rows(_ range: Range<Int>) -> Matrix {
    Matrix(
      rows: range.count, columns: columns,
      values: Array(values[(range.lowerBound * columns)..<(range.upperBound * columns)]))
  }

  /// Stacks rows of equal width.
  public init(stacking rowVectors: [[Float]]) {
    let columns = rowVectors.first?.count ?? 0
    var values = [Float]()
    values.reserveCapacity(rowVectors.count * columns)
    for row in rowVectors {
      precondition(row.count == columns, "rows of different widths")
      values.append(contentsOf: row)
    }
    self.init(rows: rowVectors.count, columns: columns, values: values)
  }

  /// Elementwise `self += other`.
  public mutating func add(_ other: Matrix) {
    precondition(rows == other.rows && columns == other.columns, "shape mismatch in add")
    values.withUnsafeMutableBufferPointer { a in
      other.values.withUnsafeBufferPointer { b in
        for i in 0..<a.count { a[i] += b[i] }
      }
    }
  }
}
