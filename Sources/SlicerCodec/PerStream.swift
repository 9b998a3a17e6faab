/// One value per sign stream, [positive, negative], held inline: the planner's per-stream
/// parameters without an array's heap allocation.
struct PerStream<Value> {
  var positive: Value
  var negative: Value

  init(_ positive: Value, _ negative: Value) {
    self.positive = positive
    self.negative = negative
  }

  /// Stream 0 (positive) or 1 (negative).
  @inline(__always)
  subscript(_ s: Int) -> Value {
    get { s == 0 ? positive : negative }
    set {
      if s == 0 { positive = newValue } else { negative = newValue }
    }
  }
}

extension PerStream: Equatable where Value: Equatable {}
extension PerStream: Sendable where Value: Sendable {}
