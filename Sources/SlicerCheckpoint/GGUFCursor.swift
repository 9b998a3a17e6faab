/// A forward-only little-endian reader over the bytes of a GGUF file. Every read checks the bytes
/// left first, so a truncated or lying file gives `GGUFError.truncated` naming the field, never an
/// out-of-bounds load.
struct GGUFCursor {
  /// How deep metadata arrays may nest. GGUF allows arrays of arrays; real files use one level.
  /// The limit keeps a hostile file from recursing the parser off the stack.
  static let maximumArrayNesting = 8

  let bytes: UnsafeRawBufferPointer
  private(set) var offset = 0

  init(_ bytes: UnsafeRawBufferPointer) {
    self.bytes = bytes
  }

  var bytesLeft: Int { bytes.count - offset }

  /// Checks that `count` bytes of `what` are left.
  func require(_ count: Int, for what: @autoclosure () -> String) throws(GGUFError) {
    guard count <= bytesLeft else {
      throw .truncated(what: what(), offset: offset, needed: count, fileSize: bytes.count)
    }
  }

  /// Checks that `count` items of at least `itemSize` bytes each can fit in the bytes left, and
  /// returns the count as an `Int`. Called before allocating for a declared count.
  func bounded(
    _ count: UInt64, itemSize: Int, at countOffset: Int, what: @autoclosure () -> String
  ) throws(GGUFError) -> Int {
    guard let n = Int(exactly: count), n <= bytesLeft / max(itemSize, 1) else {
      throw .countTooLarge(
        what: what(), count: count, offset: countOffset, bytesLeft: bytesLeft,
        minimumItemSize: itemSize)
    }
    return n
  }

  mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String)
    throws(GGUFError) -> T
  {
    try require(MemoryLayout<T>.size, for: what())
    let value = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    offset += MemoryLayout<T>.size
    return value
  }

  mutating func skip(_ count: Int, _ what: @autoclosure () -> String) throws(GGUFError) {
    try require(count, for: what())
    offset += count
  }

  /// A GGUF string: u64 byte length, then that many UTF-8 bytes (no terminator).
  mutating func readString(_ what: @autoclosure () -> String) throws(GGUFError) -> String {
    let lengthOffset = offset
    let declared = try read(UInt64.self, "the length of \(what())")
    let length = try bounded(
      declared, itemSize: 1, at: lengthOffset, what: "the length of \(what())")
    let start = offset
    offset += length
    guard let string = String(validating: bytes[start..<start + length], as: UTF8.self) else {
      throw .invalidUTF8(what: what(), offset: start)
    }
    return string
  }

  mutating func readValueType(key: String) throws(GGUFError) -> GGUFValueType {
    let at = offset
    let id = try read(UInt32.self, "the value type of \"\(key)\"")
    guard let type = GGUFValueType(rawValue: id) else {
      throw .invalidValueType(key: key, typeID: id, offset: at)
    }
    return type
  }

  /// One metadata value of `type` (for an array: its element type, count, and elements).
  mutating func readValue(_ type: GGUFValueType, key: String, depth: Int = 0) throws(GGUFError)
    -> GGUFValue
  {
    let what = "the value of \"\(key)\""
    switch type {
    case .uint8: return .uint8(try read(UInt8.self, what))
    case .int8: return .int8(try read(Int8.self, what))
    case .uint16: return .uint16(try read(UInt16.self, what))
    case .int16: return .int16(try read(Int16.self, what))
    case .uint32: return .uint32(try read(UInt32.self, what))
    case .int32: return .int32(try read(Int32.self, what))
    case .uint64: return .uint64(try read(UInt64.self, what))
    case .int64: return .int64(try read(Int64.self, what))
    case .float32: return .float32(Float(bitPattern: try read(UInt32.self, what)))
    case .float64: return .float64(Double(bitPattern: try read(UInt64.self, what)))
    case .bool: return .bool(try readBool(key: key))
    case .string: return .string(try readString(what))
    case .array: return .array(try readArray(key: key, depth: depth + 1))
    }
  }

  /// An array: u32 element type, u64 count, then the elements back to back.
  mutating func readArray(key: String, depth: Int) throws(GGUFError) -> GGUFArray {
    guard depth <= Self.maximumArrayNesting else {
      throw .arrayNestingTooDeep(key: key, limit: Self.maximumArrayNesting)
    }
    let elementType = try readValueType(key: key)
    let countOffset = offset
    let declared = try read(UInt64.self, "the element count of \"\(key)\"")
    let count = try bounded(
      declared, itemSize: elementType.minimumSize, at: countOffset, what: "the array \"\(key)\"")
    let what = "an element of \"\(key)\""
    switch elementType {
    case .uint8: return .uint8(try readIntegers(count, what))
    case .int8: return .int8(try readIntegers(count, what))
    case .uint16: return .uint16(try readIntegers(count, what))
    case .int16: return .int16(try readIntegers(count, what))
    case .uint32: return .uint32(try readIntegers(count, what))
    case .int32: return .int32(try readIntegers(count, what))
    case .uint64: return .uint64(try readIntegers(count, what))
    case .int64: return .int64(try readIntegers(count, what))
    case .float32:
      let bits: [UInt32] = try readIntegers(count, what)
      return .float32(bits.map(Float.init(bitPattern:)))
    case .float64:
      let bits: [UInt64] = try readIntegers(count, what)
      return .float64(bits.map(Double.init(bitPattern:)))
    case .bool:
      var values: [Bool] = []
      values.reserveCapacity(count)
      for _ in 0..<count { values.append(try readBool(key: key)) }
      return .bool(values)
    case .string:
      var values: [String] = []
      values.reserveCapacity(count)
      for _ in 0..<count { values.append(try readString(what)) }
      return .string(values)
    case .array:
      var values: [GGUFArray] = []
      values.reserveCapacity(count)
      for _ in 0..<count { values.append(try readArray(key: key, depth: depth + 1)) }
      return .array(values)
    }
  }

  private mutating func readBool(key: String) throws(GGUFError) -> Bool {
    let at = offset
    let byte = try read(UInt8.self, "the value of \"\(key)\"")
    switch byte {
    case 0: return false
    case 1: return true
    default: throw .invalidBool(key: key, byte: byte, offset: at)
    }
  }

  /// `count` fixed-size little-endian integers (the count was already bounded by `bounded`).
  private mutating func readIntegers<T: FixedWidthInteger>(
    _ count: Int, _ what: @autoclosure () -> String
  ) throws(GGUFError) -> [T] {
    let size = MemoryLayout<T>.size
    try require(count * size, for: what())
    let start = offset
    offset += count * size
    return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
      for i in 0..<count {
        buffer[i] = T(
          littleEndian: bytes.loadUnaligned(fromByteOffset: start + i * size, as: T.self))
      }
      initialized = count
    }
  }
}
