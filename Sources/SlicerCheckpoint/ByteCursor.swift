import Foundation

/// A bounds-checked little-endian reader over a region of a mapped file.
///
/// Every read checks the remaining length first and throws `CheckpointError.truncated` naming
/// the region, so parsers built on it cannot read outside the file whatever the input says.
struct ByteCursor {
  /// The bytes being parsed (a slice of the mapping; indices are relative to its start).
  let bytes: UnsafeRawBufferPointer
  /// For error messages.
  let file: URL
  let region: String
  /// The next byte to read, relative to `bytes`.
  var offset: Int

  init(_ bytes: UnsafeRawBufferPointer, file: URL, region: String, offset: Int = 0) {
    self.bytes = bytes
    self.file = file
    self.region = region
    self.offset = offset
  }

  var remaining: Int { bytes.count - offset }
  var isAtEnd: Bool { offset >= bytes.count }

  /// Throws unless `count` bytes are available at the current offset.
  func require(_ count: Int) throws(CheckpointError) {
    guard count >= 0, offset >= 0, offset <= bytes.count, count <= bytes.count - offset else {
      throw .truncated(
        file: file, region: region, offset: offset, needed: count, available: bytes.count)
    }
  }

  /// The next `count` bytes, as a slice of `bytes`.
  mutating func take(_ count: Int) throws(CheckpointError) -> UnsafeRawBufferPointer {
    try require(count)
    defer { offset += count }
    return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
  }

  mutating func skip(_ count: Int) throws(CheckpointError) {
    try require(count)
    offset += count
  }

  mutating func u8() throws(CheckpointError) -> UInt8 {
    try require(1)
    defer { offset += 1 }
    return bytes[offset]
  }

  mutating func u16() throws(CheckpointError) -> UInt16 { try integer(UInt16.self) }
  mutating func u32() throws(CheckpointError) -> UInt32 { try integer(UInt32.self) }
  mutating func u64() throws(CheckpointError) -> UInt64 { try integer(UInt64.self) }

  private mutating func integer<T: FixedWidthInteger>(_: T.Type) throws(CheckpointError) -> T {
    let size = MemoryLayout<T>.size
    try require(size)
    defer { offset += size }
    return T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
  }
}
