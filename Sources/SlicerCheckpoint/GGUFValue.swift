/// One GGUF metadata value. The cases are GGUF's value types; arrays keep their element type.
public enum GGUFValue: Sendable, Equatable {
  case uint8(UInt8)
  case int8(Int8)
  case uint16(UInt16)
  case int16(Int16)
  case uint32(UInt32)
  case int32(Int32)
  case float32(Float)
  case bool(Bool)
  case string(String)
  case array(GGUFArray)
  case uint64(UInt64)
  case int64(Int64)
  case float64(Double)

  /// The value as an `Int`, from any integer type when it is representable.
  public var intValue: Int? {
    switch self {
    case .uint8(let v): Int(v)
    case .int8(let v): Int(v)
    case .uint16(let v): Int(v)
    case .int16(let v): Int(v)
    case .uint32(let v): Int(v)
    case .int32(let v): Int(v)
    case .uint64(let v): Int(exactly: v)
    case .int64(let v): Int(v)
    default: nil
    }
  }

  /// The value as a `Double`, from a float type or an integer type.
  public var doubleValue: Double? {
    switch self {
    case .float32(let v): Double(v)
    case .float64(let v): v
    default: intValue.map(Double.init)
    }
  }

  /// The value as a `Float` (FLOAT64 and integers are rounded to the nearest `Float`).
  public var floatValue: Float? {
    if case .float32(let v) = self { return v }
    return doubleValue.map(Float.init)
  }

  public var stringValue: String? {
    if case .string(let v) = self { return v }
    return nil
  }

  public var boolValue: Bool? {
    if case .bool(let v) = self { return v }
    return nil
  }

  public var arrayValue: GGUFArray? {
    if case .array(let v) = self { return v }
    return nil
  }

  /// GGUF's name of the value's type ("UINT32", "ARRAY[STRING]", …), for messages.
  public var typeName: String {
    switch self {
    case .uint8: "UINT8"
    case .int8: "INT8"
    case .uint16: "UINT16"
    case .int16: "INT16"
    case .uint32: "UINT32"
    case .int32: "INT32"
    case .float32: "FLOAT32"
    case .bool: "BOOL"
    case .string: "STRING"
    case .array(let a): "ARRAY[\(a.elementTypeName)]"
    case .uint64: "UINT64"
    case .int64: "INT64"
    case .float64: "FLOAT64"
    }
  }
}

/// A GGUF metadata array: a count of elements all of one type (arrays may nest).
public enum GGUFArray: Sendable, Equatable {
  case uint8([UInt8])
  case int8([Int8])
  case uint16([UInt16])
  case int16([Int16])
  case uint32([UInt32])
  case int32([Int32])
  case float32([Float])
  case bool([Bool])
  case string([String])
  case array([GGUFArray])
  case uint64([UInt64])
  case int64([Int64])
  case float64([Double])

  public var count: Int {
    switch self {
    case .uint8(let a): a.count
    case .int8(let a): a.count
    case .uint16(let a): a.count
    case .int16(let a): a.count
    case .uint32(let a): a.count
    case .int32(let a): a.count
    case .float32(let a): a.count
    case .bool(let a): a.count
    case .string(let a): a.count
    case .array(let a): a.count
    case .uint64(let a): a.count
    case .int64(let a): a.count
    case .float64(let a): a.count
    }
  }

  /// The elements as `Int`s, from any integer element type, when every one is representable.
  public var ints: [Int]? {
    switch self {
    case .uint8(let a): a.map(Int.init)
    case .int8(let a): a.map(Int.init)
    case .uint16(let a): a.map(Int.init)
    case .int16(let a): a.map(Int.init)
    case .uint32(let a): a.map(Int.init)
    case .int32(let a): a.map(Int.init)
    case .int64(let a): a.map(Int.init)
    case .uint64(let a):
      a.allSatisfy { $0 <= UInt64(Int.max) } ? a.map { Int($0) } : nil
    default: nil
    }
  }

  /// The elements as `Float`s, from FLOAT32 (exact) or FLOAT64 (rounded) arrays.
  public var floats: [Float]? {
    switch self {
    case .float32(let a): a
    case .float64(let a): a.map(Float.init)
    default: nil
    }
  }

  public var strings: [String]? {
    if case .string(let a) = self { return a }
    return nil
  }

  /// GGUF's name of the element type.
  public var elementTypeName: String {
    switch self {
    case .uint8: "UINT8"
    case .int8: "INT8"
    case .uint16: "UINT16"
    case .int16: "INT16"
    case .uint32: "UINT32"
    case .int32: "INT32"
    case .float32: "FLOAT32"
    case .bool: "BOOL"
    case .string: "STRING"
    case .array: "ARRAY"
    case .uint64: "UINT64"
    case .int64: "INT64"
    case .float64: "FLOAT64"
    }
  }
}

/// GGUF's value type ids (gguf.h `enum gguf_type`), as stored before each value and array.
enum GGUFValueType: UInt32 {
  case uint8 = 0
  case int8 = 1
  case uint16 = 2
  case int16 = 3
  case uint32 = 4
  case int32 = 5
  case float32 = 6
  case bool = 7
  case string = 8
  case array = 9
  case uint64 = 10
  case int64 = 11
  case float64 = 12

  /// The fewest bytes one value of this type occupies: its size for fixed-size types, the u64
  /// length for a string, the u32 type + u64 count for an array. Used to bound declared counts by
  /// the bytes left before allocating anything.
  var minimumSize: Int {
    switch self {
    case .uint8, .int8, .bool: 1
    case .uint16, .int16: 2
    case .uint32, .int32, .float32: 4
    case .uint64, .int64, .float64, .string: 8
    case .array: 12
    }
  }
}
