/// Typed access to metadata, throwing a `GGUFError` that names the key when an entry is missing or
/// of another type. For optional entries use `metadata[key]?.intValue` and friends.
extension GGUFFile {
  /// A STRING entry.
  public func string(_ key: String) throws(GGUFError) -> String {
    let value = try entry(key)
    guard let string = value.stringValue else { throw mismatch(key, "a string", value) }
    return string
  }

  /// An entry of any integer type whose value fits in `Int`.
  public func int(_ key: String) throws(GGUFError) -> Int {
    let value = try entry(key)
    guard let int = value.intValue else { throw mismatch(key, "an integer", value) }
    return int
  }

  /// A FLOAT32 entry (FLOAT64 and integer entries are converted to the nearest `Float`).
  public func float(_ key: String) throws(GGUFError) -> Float {
    let value = try entry(key)
    guard let float = value.floatValue else { throw mismatch(key, "a number", value) }
    return float
  }

  /// A BOOL entry.
  public func bool(_ key: String) throws(GGUFError) -> Bool {
    let value = try entry(key)
    guard let bool = value.boolValue else { throw mismatch(key, "a boolean", value) }
    return bool
  }

  /// An ARRAY of STRING.
  public func stringArray(_ key: String) throws(GGUFError) -> [String] {
    let value = try entry(key)
    guard let strings = value.arrayValue?.strings else {
      throw mismatch(key, "an array of strings", value)
    }
    return strings
  }

  /// An ARRAY of any integer type whose elements all fit in `Int`.
  public func intArray(_ key: String) throws(GGUFError) -> [Int] {
    let value = try entry(key)
    guard let ints = value.arrayValue?.ints else {
      throw mismatch(key, "an array of integers", value)
    }
    return ints
  }

  /// An ARRAY of FLOAT32 (or FLOAT64, rounded).
  public func floatArray(_ key: String) throws(GGUFError) -> [Float] {
    let value = try entry(key)
    guard let floats = value.arrayValue?.floats else {
      throw mismatch(key, "an array of floats", value)
    }
    return floats
  }

  private func entry(_ key: String) throws(GGUFError) -> GGUFValue {
    guard let value = metadata[key] else { throw .missingKey(key) }
    return value
  }

  private func mismatch(_ key: String, _ expected: String, _ value: GGUFValue) -> GGUFError {
    .wrongValueType(key: key, expected: expected, found: value.typeName)
  }
}
