/// Reads protocol fields from one frame's payload, `bytes[offset..<end]`, checking every length
/// against what is left. Each read names its field so a malformed frame says where it broke.
struct ByteReader {
  let storage: [UInt8]
  let type: WireMessageType
  private(set) var offset: Int
  let end: Int

  init(_ bytes: [UInt8], from start: Int, to end: Int, type: WireMessageType) {
    storage = bytes
    self.type = type
    offset = start
    self.end = end
  }

  var remaining: Int { end - offset }

  func fail(_ detail: String) -> WireError { .malformed(type, detail) }

  private mutating func take(_ count: Int, _ field: String) throws(WireError) -> Range<Int> {
    guard count <= remaining else {
      throw fail("\(field) needs \(count) bytes but only \(remaining) remain")
    }
    defer { offset += count }
    return offset..<(offset + count)
  }

  mutating func byte(_ field: String) throws(WireError) -> UInt8 {
    storage[try take(1, field).lowerBound]
  }

  mutating func bytes(_ count: Int, _ field: String) throws(WireError) -> [UInt8] {
    Array(storage[try take(count, field)])
  }

  /// A byte that must be 0 or 1.
  mutating func bool(_ field: String) throws(WireError) -> Bool {
    switch try byte(field) {
    case 0: return false
    case 1: return true
    case let other: throw fail("\(field) must be 0 or 1, got \(other)")
    }
  }

  /// A flags byte whose bits outside `known` must be clear (a version 1 peer sets no others).
  mutating func flags(_ field: String, known: UInt8) throws(WireError) -> UInt8 {
    let value = try byte(field)
    guard value & ~known == 0 else {
      throw fail("\(field) has unknown bits set (0x\(String(value, radix: 16)))")
    }
    return value
  }

  mutating func varint(_ field: String) throws(WireError) -> UInt64 {
    switch Varint.decode(storage, from: offset, to: end) {
    case .value(let value, let count):
      offset += count
      return value
    case .incomplete: throw fail("\(field) is cut off")
    case .exceeds: throw fail("\(field) exceeds 64 bits")  // no limit below UInt64.max is given
    case .invalid(let why): throw fail("\(field): \(why)")
    }
  }

  /// A varint that must be in `0...maximum`.
  mutating func int(_ field: String, max maximum: Int) throws(WireError) -> Int {
    let value = try varint(field)
    guard let int = Int(exactly: value), int <= maximum else {
      throw fail("\(field) is \(value), above the limit of \(maximum)")
    }
    return int
  }

  /// A count of items that each take at least `minimumItemBytes` of what follows: bounded by the
  /// bytes left, so a forged count can never make the decoder reserve more than the frame holds.
  mutating func count(_ field: String, minimumItemBytes: Int) throws(WireError) -> Int {
    let value = try varint(field)
    guard let int = Int(exactly: value), int <= remaining / max(minimumItemBytes, 1) else {
      throw fail("\(field) is \(value) but only \(remaining) bytes remain")
    }
    return int
  }

  mutating func u16(_ field: String) throws(WireError) -> UInt16 {
    let r = try take(2, field)
    return UInt16(storage[r.lowerBound]) | UInt16(storage[r.lowerBound + 1]) << 8
  }

  mutating func u32(_ field: String) throws(WireError) -> UInt32 {
    let r = try take(4, field)
    var value: UInt32 = 0
    for (i, index) in r.enumerated() { value |= UInt32(storage[index]) << (8 * i) }
    return value
  }

  mutating func u64(_ field: String) throws(WireError) -> UInt64 {
    let r = try take(8, field)
    var value: UInt64 = 0
    for (i, index) in r.enumerated() { value |= UInt64(storage[index]) << (8 * i) }
    return value
  }

  mutating func f32(_ field: String) throws(WireError) -> Float {
    Float(bitPattern: try u32(field))
  }

  mutating func f64(_ field: String) throws(WireError) -> Double {
    Double(bitPattern: try u64(field))
  }

  /// `varint(byte count)` then that many bytes of valid UTF-8, at most `maximumStringBytes`.
  mutating func string(_ field: String) throws(WireError) -> String {
    let count = try varint(field + " length")
    guard count <= UInt64(WireLimits.maximumStringBytes) else {
      throw fail("\(field) is \(count) bytes, above the limit of \(WireLimits.maximumStringBytes)")
    }
    let range = try take(Int(count), field)
    guard let string = String(validating: storage[range], as: UTF8.self) else {
      throw fail("\(field) is not valid UTF-8")
    }
    return string
  }

  /// `varint(byte count)` then that many bytes.
  mutating func blob(_ field: String) throws(WireError) -> [UInt8] {
    let count = try varint(field + " length")
    guard let int = Int(exactly: count), int <= remaining else {
      throw fail("\(field) is \(count) bytes but only \(remaining) remain")
    }
    return try bytes(int, field)
  }

  /// Version 1 frames have no trailing bytes: anything left is an error, not an extension.
  func expectEnd() throws(WireError) {
    guard remaining == 0 else { throw fail("\(remaining) unexpected bytes after the last field") }
  }
}
