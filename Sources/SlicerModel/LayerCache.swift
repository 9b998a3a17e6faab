/// One decoder layer's key/value history: `length` rows of `keyWidth` keys and values,
/// row-major, growing as positions are processed.
public struct LayerCache: Sendable {
  public private(set) var keys: [Float] = []
  public private(set) var values: [Float] = []
  public let width: Int
  public private(set) var length: Int = 0

  public init(width: Int, reservingPositions capacity: Int = 0) {
    self.width = width
    keys.reserveCapacity(capacity * width)
    values.reserveCapacity(capacity * width)
  }

  /// Appends the keys and values of new positions (row-major, `width` per row).
  public mutating func append(keys newKeys: [Float], values newValues: [Float]) {
    precondition(newKeys.count == newValues.count && newKeys.count % width == 0, "cache rows")
    keys.append(contentsOf: newKeys)
    values.append(contentsOf: newValues)
    length += newKeys.count / width
  }

  /// Forgets everything (a new conversation).
  public mutating func removeAll() {
    keys.removeAll(keepingCapacity: true)
    values.removeAll(keepingCapacity: true)
    length = 0
  }
}
