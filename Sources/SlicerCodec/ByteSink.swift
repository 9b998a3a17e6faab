/// A growing byte buffer for the encoders (`BitWriter`, `RangeEncoder`).
///
/// Noncopyable over a manually managed buffer: a Swift array would check uniqueness and
/// capacity on every append, on the codec's per-entry path.
struct ByteSink: ~Copyable {
  private var storage: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  /// Bytes written so far.
  private(set) var count = 0

  init(reservingBytes requested: Int = 64) {
    capacity = max(16, requested)
    storage = .allocate(capacity: capacity)
  }

  deinit { storage.deallocate() }

  @inline(__always)
  mutating func append(_ byte: UInt8) {
    if count == capacity { grow() }
    storage[count] = byte
    count &+= 1
  }

  /// Appends `word`'s four bytes, most significant first.
  @inline(__always)
  mutating func append(bigEndian word: UInt32) {
    if count &+ 4 > capacity { grow() }
    UnsafeMutableRawPointer(storage + count).storeBytes(of: word.bigEndian, as: UInt32.self)
    count &+= 4
  }

  /// Appends the top `count` (≤ 8) bytes of `word`, most significant first, with one 8-byte
  /// store (the bytes after them are scratch the next append overwrites).
  @inline(__always)
  mutating func append(topBytesOf word: UInt64, count n: Int) {
    if count &+ 8 > capacity { grow() }
    UnsafeMutableRawPointer(storage + count).storeBytes(of: word.bigEndian, as: UInt64.self)
    count &+= n
  }

  /// Adds one to the bytes written so far read as a big-endian number: trailing 0xFF bytes
  /// become 0x00 and the byte before them grows by one. The caller keeps a first byte below
  /// 0xFF that the carry never passes (`RangeEncoder`'s integer part).
  mutating func addCarry() {
    var i = count &- 1
    while storage[i] == 0xFF {
      storage[i] = 0
      i &-= 1
    }
    storage[i] &+= 1
  }

  private mutating func grow() {
    let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: 2 * capacity)
    larger.update(from: storage, count: count)
    storage.deallocate()
    storage = larger
    capacity *= 2
  }

  /// The bytes from offset `start` on, as an array.
  func bytes(from start: Int = 0) -> [UInt8] {
    Array(UnsafeBufferPointer(start: storage + start, count: count - start))
  }
}
