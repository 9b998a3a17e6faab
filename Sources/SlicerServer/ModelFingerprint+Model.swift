import SlicerModel
import SlicerTensor
import SlicerWire

extension ModelFingerprint {
  /// The fingerprint both ends of a split compute from their own copy of the model, and compare
  /// in HELLO.
  ///
  /// It hashes the model's shape (`ModelInfo` without the name, which is only a path), the
  /// exact bits of the embeddings of a fixed probe (a table lookup, identical on every machine),
  /// and the four most likely next tokens after each probe position through every layer — a
  /// weight-dependent summary that, unlike raw logits, does not change with the last bits of a
  /// BLAS library's rounding. Not a cryptographic hash: it tells checkpoints apart, it does not
  /// authenticate them.
  public init(model: any DecoderModel) {
    let info = model.info
    var hasher = FingerprintHasher()
    hasher.combine(info.architecture)
    for value in [
      info.layerCount, info.hiddenSize, info.vocabularySize, info.contextLength, info.kvWidth,
    ] {
      hasher.combine(UInt64(value))
    }
    let probe = Self.probeTokens(
      vocabularySize: info.vocabularySize, contextLength: info.contextLength)
    var hidden = model.embed(probe, startPosition: 0)
    for value in hidden.values { hasher.combine(UInt64(value.bitPattern)) }
    for i in 0..<info.layerCount {
      var cache = LayerCache(width: info.kvWidth)
      hidden = model.layer(i, hidden, cache: &cache)
    }
    let logits = model.logits(hidden)
    for r in 0..<logits.rows {
      for token in Self.topTokens(logits.row(r), count: 4) { hasher.combine(UInt64(token)) }
    }
    self.init(hasher.finalize())!
  }

  /// Eight ids spread over the vocabulary (fewer when the vocabulary or context is tiny).
  static func probeTokens(vocabularySize: Int, contextLength: Int) -> [Int] {
    let count = max(1, min(8, vocabularySize, contextLength))
    return (0..<count).map { (($0 &* 7919) &+ 13) % max(vocabularySize, 1) }
  }

  /// The `count` largest entries' indices, best first (ties: lowest index).
  static func topTokens(_ values: [Float], count: Int) -> [Int] {
    var best: [Int] = []
    for i in values.indices {
      let position = best.firstIndex { values[i] > values[$0] } ?? best.count
      if position < count {
        best.insert(i, at: position)
        if best.count > count { best.removeLast() }
      }
    }
    return best
  }
}

/// Two independent 64-bit multiply–xorshift lanes, finalized with SplitMix64's mixer: 16 bytes
/// that change with any input word.
struct FingerprintHasher {
  private var a: UInt64 = 0x243F_6A88_85A3_08D3
  private var b: UInt64 = 0x1319_8A2E_0370_7344
  private var count: UInt64 = 0

  mutating func combine(_ word: UInt64) {
    count &+= 1
    a = (a ^ word) &* 0x9E37_79B9_7F4A_7C15
    a ^= a >> 29
    b = (b ^ (word &+ count)) &* 0xC2B2_AE3D_27D4_EB4F
    b ^= b >> 31
  }

  mutating func combine(_ string: String) {
    combine(UInt64(string.utf8.count))
    for byte in string.utf8 { combine(UInt64(byte)) }
  }

  func finalize() -> [UInt8] {
    func mix(_ x: UInt64) -> UInt64 {
      var z = x &+ 0x9E37_79B9_7F4A_7C15
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    let words = [mix(a ^ count), mix(b &+ a)]
    return words.flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
  }
}
