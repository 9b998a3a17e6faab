/// SHA-256 (FIPS 180-4), streaming: feed bytes in any number of `update` calls, then `finalize`.
///
/// Used to check downloaded weights, so it digests hundreds of MB without holding them: whole
/// 64-byte blocks are compressed straight from the caller's buffer, and only a tail shorter than
/// a block is kept between calls. The padded message is
///
///     message ‖ 0x80 ‖ 0x00 … ‖ message length in bits (UInt64, big-endian)
///
/// with as many zero bytes as make the total a multiple of 64.
public struct SHA256: Sendable {
  /// The working hash words H0…H7, starting at the §5.3.3 initial values.
  private var state: [UInt32] = [
    0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a,
    0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
  ]
  /// Bytes not yet compressed (fewer than 64 between calls).
  private var pending: [UInt8] = []
  /// Message length in bytes so far.
  private var length: UInt64 = 0

  public init() { pending.reserveCapacity(64) }

  /// The digest of `bytes`, in one call.
  public static func hash(_ bytes: [UInt8]) -> [UInt8] {
    var hasher = SHA256()
    hasher.update(bytes)
    return hasher.finalize()
  }

  public mutating func update(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { update($0) }
  }

  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    guard !bytes.isEmpty else { return }
    length &+= UInt64(bytes.count)
    var offset = 0
    if !pending.isEmpty {
      // Complete the block started by an earlier call.
      let take = min(64 - pending.count, bytes.count)
      pending.append(contentsOf: bytes[0..<take])
      offset = take
      guard pending.count == 64 else { return }
      let block = pending
      block.withUnsafeBytes { compress(blocks: $0) }
      pending.removeAll(keepingCapacity: true)
    }
    let whole = (bytes.count - offset) / 64 * 64
    if whole > 0 {
      compress(blocks: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + whole)]))
      offset += whole
    }
    pending.append(contentsOf: bytes[offset...])
  }

  /// The 32-byte digest. Padding is applied to a copy, so more updates may follow.
  public func finalize() -> [UInt8] {
    var copy = self
    var tail = pending
    tail.append(0x80)
    while tail.count % 64 != 56 { tail.append(0) }
    let bits = length &* 8
    for shift in stride(from: 56, through: 0, by: -8) {
      tail.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift)))
    }
    tail.withUnsafeBytes { copy.compress(blocks: $0) }
    var digest: [UInt8] = []
    digest.reserveCapacity(32)
    for word in copy.state {
      for shift in [24, 16, 8, 0] as [UInt32] {
        digest.append(UInt8(truncatingIfNeeded: word >> shift))
      }
    }
    return digest
  }

  /// The digest as 64 lowercase hex digits.
  public var hex: String { Self.hexString(finalize()) }

  /// `bytes` as lowercase hex, two digits per byte.
  public static func hexString(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Compresses the `blocks.count / 64` consecutive 64-byte blocks of `blocks` into `state`
  /// (§6.2.2); a shorter remainder is ignored (callers pass whole blocks).
  ///
  /// Written with raw pointers, masking shifts (`&>>`: the plain `>>` is a generic call in
  /// debug builds) and `while` loops, so that unoptimized builds hash at a usable speed too.
  private mutating func compress(blocks: UnsafeRawBufferPointer) {
    guard let bytes = blocks.baseAddress, blocks.count >= 64 else { return }
    let w = UnsafeMutablePointer<UInt32>.allocate(capacity: 64)
    defer { w.deallocate() }
    state.withUnsafeMutableBufferPointer { hash in
      Self.roundConstants.withUnsafeBufferPointer { constants in
        guard let h = hash.baseAddress, let k = constants.baseAddress else { return }
        var base = 0
        while base + 64 <= blocks.count {
          // Message schedule: 16 big-endian words from the block, expanded to 64.
          var t = 0
          while t < 16 {
            w[t] = UInt32(
              bigEndian: bytes.loadUnaligned(fromByteOffset: base &+ t &* 4, as: UInt32.self))
            t &+= 1
          }
          while t < 64 {
            let x = w[t - 15]
            let y = w[t - 2]
            let s0 = (x &>> 7 | x &<< 25) ^ (x &>> 18 | x &<< 14) ^ (x &>> 3)
            let s1 = (y &>> 17 | y &<< 15) ^ (y &>> 19 | y &<< 13) ^ (y &>> 10)
            w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
            t &+= 1
          }
          var a = h[0]
          var b = h[1]
          var c = h[2]
          var d = h[3]
          var e = h[4]
          var f = h[5]
          var g = h[6]
          var hh = h[7]
          t = 0
          while t < 64 {
            let s1 = (e &>> 6 | e &<< 26) ^ (e &>> 11 | e &<< 21) ^ (e &>> 25 | e &<< 7)
            let choice = (e & f) ^ (~e & g)
            let t1 = hh &+ s1 &+ choice &+ k[t] &+ w[t]
            let s0 = (a &>> 2 | a &<< 30) ^ (a &>> 13 | a &<< 19) ^ (a &>> 22 | a &<< 10)
            let majority = (a & b) ^ (a & c) ^ (b & c)
            hh = g
            g = f
            f = e
            e = d &+ t1
            d = c
            c = b
            b = a
            a = t1 &+ s0 &+ majority
            t &+= 1
          }
          h[0] &+= a
          h[1] &+= b
          h[2] &+= c
          h[3] &+= d
          h[4] &+= e
          h[5] &+= f
          h[6] &+= g
          h[7] &+= hh
          base += 64
        }
      }
    }
  }

  /// K0…K63: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
  private static let roundConstants: [UInt32] = [
    0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4,
    0xab1c_5ed5, 0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe,
    0x9bdc_06a7, 0xc19b_f174, 0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f,
    0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da, 0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7,
    0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967, 0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc,
    0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85, 0xa2bf_e8a1, 0xa81a_664b,
    0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070, 0x19a4_c116,
    0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
    0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7,
    0xc671_78f2,
  ]
}
