import Foundation
import SlicerTestSupport
import Testing

@testable import SlicerCodec

/// Every byte string either decodes or throws a `CodecError`; these tests feed the decoders
/// truncated, extended and corrupted messages, and replay the fuzzer's corpus.
@Suite struct DecoderRobustnessTests {
  static let specs = [
    "none", "fp32", "fp16", "bf16", "int8", "topk:0.25:4", "topk:0.05:3", "slicer:0.3",
    "slicer:0.01", "slicer:1e-4",
  ]

  /// Fixed-layout codecs reject every wrong length. A SLICER message's length follows from
  /// its content, so a truncated one is rejected unless the prefix is itself a valid message;
  /// over 10 vectors and every cut, all but a handful must be rejected.
  @Test(arguments: specs)
  func truncatedAndExtendedMessagesThrow(text: String) throws {
    let codec = try CodecSpec(parsing: text).makeCodec()
    var rng = SplitMix64(seed: 77)
    var cuts = 0
    var accepted = 0
    for i in 0..<10 {
      let x = SyntheticFeatures.vector(
        i % 2 == 0 ? .residual : .gaussian, dimension: 200, rng: &rng)
      let bytes = codec.encode(x).bytes
      for cut in 0..<bytes.count {
        cuts += 1
        if let v = try? codec.decode(Array(bytes[0..<cut]), dimension: 200) {
          #expect(v.count == 200)
          accepted += 1
        }
      }
      for extra: [UInt8] in [[0], [0xFF], [0, 0, 0, 0]] {
        #expect(throws: CodecError.self) { try codec.decode(bytes + extra, dimension: 200) }
      }
    }
    if text.hasPrefix("slicer") {
      #expect(accepted * 100 <= cuts, "\(accepted) of \(cuts) truncations decoded")
    } else {
      #expect(accepted == 0)
    }
  }

  @Test func sparseMessagesRejectAWrongLastByteAndUnknownModes() throws {
    let codec = CodecSpec.slicer(budget: 0.1).makeCodec()
    var bytes = codec.encode([3, -1, 0.5, 0, -0.25, 2]).bytes
    #expect(bytes == [0x89, 0x24, 0x34, 0x43, 0x92])
    bytes[4] |= 0x01
    #expect(
      throws: CodecError.corrupt(
        codec: "slicer", detail: "the coded section does not end the way the encoder ends it")
    ) {
      try codec.decode(bytes, dimension: 6)
    }
    for mode: UInt8 in [1, 5, 6, 7] {  // 1: the retired sparse format of slicer 0.1
      #expect(throws: CodecError.unknownMode(Int(mode))) {
        try codec.decode([mode << 5, 0, 0], dimension: 6)
      }
    }
    #expect(
      throws: CodecError.corrupt(codec: "slicer", detail: "zero message with nonzero padding bits")
    ) {
      try codec.decode([0x01], dimension: 6)
    }
    #expect(throws: CodecError.emptyMessage(codec: "slicer")) { try codec.decode([], dimension: 6) }
    #expect(
      throws: CodecError.corrupt(
        codec: "slicer", detail: "dense message with nonzero padding bits in byte 0")
    ) {
      try codec.decode([0x61, 0, 0, 0, 0], dimension: 1)
    }
  }

  @Test(arguments: specs)
  func randomBytesDecodeOrThrow(text: String) throws {
    let codec = try CodecSpec(parsing: text).makeCodec()
    var rng = SplitMix64(seed: 99)
    var decoded = 0
    for _ in 0..<3000 {
      let length = Int(rng.next() % 64)
      let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
      let d = Int(rng.next() % 300)
      do {
        let v = try codec.decode(bytes, dimension: d)
        #expect(v.count == d)
        decoded += 1
      } catch {
        // A typed CodecError; its description must be a sentence.
        #expect(!error.description.isEmpty)
      }
    }
    _ = decoded
  }

  @Test func bitFlipsInSparseMessagesDecodeOrThrow() throws {
    let codec = CodecSpec.slicer(budget: 1e-3).makeCodec()
    var rng = SplitMix64(seed: 101)
    let x = SyntheticFeatures.vector(.massive, dimension: 128, rng: &rng)
    let bytes = codec.encode(x).bytes
    for bit in 0..<(8 * bytes.count) {
      var flipped = bytes
      flipped[bit / 8] ^= UInt8(0x80 >> (bit % 8))
      if let v = try? codec.decode(flipped, dimension: 128) {
        #expect(v.count == 128 && v.allSatisfy(\.isFinite))
      }
    }
  }

  /// Replays Tests/Fuzz/codec-corpus: each file is a fuzzer input (see Tests/Fuzz/README.md).
  @Test func fuzzCorpusReplays() throws {
    let directory = Fixtures.repository.appendingPathComponent("Tests/Fuzz/codec-corpus")
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    #expect(files.count >= 24)
    for name in files {
      let data = try Data(contentsOf: directory.appendingPathComponent(name))
      #expect(CodecFuzzHarness.check([UInt8](data)) == nil, "\(name)")
    }
  }
}
