import Testing

@testable import SlicerFetch

/// FIPS 180-4 example vectors (NIST CSRC "SHA256.pdf", "SHA2_Additional.pdf").
@Suite struct SHA256Tests {
  @Test func abc() {
    #expect(
      SHA256.hexString(SHA256.hash(Array("abc".utf8)))
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  }

  @Test func emptyMessage() {
    #expect(SHA256().hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
  }

  /// 448 bits: the padding's length field no longer fits the block, forcing a second block.
  @Test func twoBlockMessage() {
    let message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
    #expect(message.utf8.count * 8 == 448)
    #expect(
      SHA256.hexString(SHA256.hash(Array(message.utf8)))
        == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
  }

  @Test func millionAs() {
    var hasher = SHA256()
    let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
    for _ in 0..<1000 { hasher.update(chunk) }
    #expect(hasher.hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  /// Feeding the same bytes in uneven pieces (across and inside block boundaries) must not
  /// change the digest.
  @Test func splitUpdatesMatchOneShot() {
    let message = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    let whole = SHA256.hash(message)
    for sizes in [[1], [63], [64], [65], [7, 120, 1], [200, 3]] {
      var hasher = SHA256()
      var offset = 0
      var turn = 0
      while offset < message.count {
        let n = min(sizes[turn % sizes.count], message.count - offset)
        hasher.update(Array(message[offset..<(offset + n)]))
        offset += n
        turn += 1
      }
      #expect(hasher.finalize() == whole, "pieces of \(sizes)")
    }
  }

  /// `finalize` pads a copy: the hasher keeps accepting bytes afterwards.
  @Test func finalizeDoesNotConsume() {
    var hasher = SHA256()
    hasher.update(Array("ab".utf8))
    _ = hasher.finalize()
    hasher.update(Array("c".utf8))
    #expect(hasher.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  }
}
