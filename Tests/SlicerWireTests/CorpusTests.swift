import Foundation
import SlicerTestSupport
import SlicerWire
import Testing

/// Replays Tests/Fuzz/wire-corpus (the fuzzer's seeds) through the decoder. A file's name says
/// what it must do:
/// - `valid-*`: decodes into whole frames, each re-encoding to its exact bytes, nothing left over;
/// - `partial-*`: decodes without error but leaves bytes waiting for the rest of a frame;
/// - `bad-<code>-*`: throws a `WireError` with that code.
@Suite struct CorpusTests {
  static let directory = Fixtures.repository.appendingPathComponent("Tests/Fuzz/wire-corpus")

  static var files: [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
  }

  /// Decodes `bytes`; returns the frames' messages, the bytes left over and the error, if any.
  static func replay(_ bytes: [UInt8]) -> (frames: Int, leftover: Int, error: WireError?) {
    var decoder = FrameDecoder()
    decoder.append(bytes)
    var offset = 0
    var frames = 0
    do {
      while let frame = try decoder.nextFrame() {
        // Canonical encoding: what decodes re-encodes to the very same bytes.
        #expect(frame.message.encode() == Array(bytes[offset..<(offset + frame.byteCount)]))
        offset += frame.byteCount
        frames += 1
      }
      return (frames, decoder.bufferedByteCount, nil)
    } catch {
      return (frames, 0, error)
    }
  }

  @Test func corpusIsPresent() {
    #expect(Self.files.count >= 40)
    #expect(Self.files.contains { $0.hasPrefix("valid-") })
    #expect(Self.files.contains { $0.hasPrefix("partial-") })
    #expect(Self.files.contains { $0.hasPrefix("bad-") })
  }

  @Test(arguments: files)
  func replays(_ name: String) throws {
    let bytes = [UInt8](try Data(contentsOf: Self.directory.appendingPathComponent(name)))
    let result = Self.replay(bytes)
    if name.hasPrefix("valid-") {
      #expect(result.error == nil && result.leftover == 0 && result.frames >= 1, "\(result)")
    } else if name.hasPrefix("partial-") {
      #expect(result.error == nil && result.leftover > 0, "\(result)")
    } else if name.hasPrefix("bad-") {
      let code = name.split(separator: "-")[1]
      #expect(result.error.map { "\($0.code)" } == String(code), "\(result)")
    } else {
      Issue.record("corpus file \(name) has no valid-/partial-/bad- prefix")
    }
  }

  /// Regenerates the corpus: `WRITE_WIRE_CORPUS=1 swift test --filter writeCorpus`.
  @Test(.enabled(if: ProcessInfo.processInfo.environment["WRITE_WIRE_CORPUS"] != nil))
  func writeCorpus() throws {
    let fm = FileManager.default
    try fm.createDirectory(at: Self.directory, withIntermediateDirectories: true)
    func write(_ name: String, _ bytes: [UInt8]) throws {
      try Data(bytes).write(to: Self.directory.appendingPathComponent(name + ".bin"))
    }
    var counts: [WireMessageType: Int] = [:]
    for message in Samples.all {
      let index = counts[message.type, default: 0]
      counts[message.type] = index + 1
      let name = message.type.name.lowercased().replacingOccurrences(of: "_", with: "")
      let frame = message.encode()
      try write("valid-\(name)-\(index)", frame)
      if index == 0 {
        try write("partial-\(name)", Array(frame.dropLast()))
        // The declared length one short: the payload loses its last byte.
        if frame[0] >= 2 && frame[0] < 0x80 {
          try write(
            "bad-malformedFrame-short-\(name)", [frame[0] - 1] + frame[1..<(frame.count - 1)])
        }
        // One byte too many inside the frame (a STEP would just take it as payload).
        if frame[0] < 0x7F && message.type != .step {
          try write("bad-malformedFrame-trailing-\(name)", [frame[0] + 1] + frame.dropFirst() + [0])
        }
      }
    }
    try write("valid-stream", Samples.all.flatMap { $0.encode() })
    let reset = WireMessage.reset.encode()
    for type: UInt8 in [0x00, 0x09, 0x80, 0x86, 0xFF] {
      try write("bad-unknownMessageType-0x\(String(type, radix: 16))", [0x01, type])
    }
    try write("bad-unknownMessageType-http", Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
    try write("bad-frameTooLarge-header", [0x81, 0x80, 0x40, 0x03])
    try write("bad-frameTooLarge-partial-header", reset + [0xFF, 0xFF, 0xFF, 0xFF])
    try write("bad-malformedFrame-zero-length", reset + [0x00])
    try write("bad-malformedFrame-noncanonical-length", [0x81, 0x00, 0x06])
    try write("bad-malformedFrame-varint-overflow", Array(repeating: 0x80, count: 9) + [0x7F])
    try write(
      "bad-malformedFrame-huge-count", [0x08, 0x02, 0x00, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00])
    try write("bad-malformedFrame-bad-utf8", [0x06, 0x85, 0x01, 0x00, 0x02, 0xC3, 0x28])
    try write("bad-malformedFrame-flags", [0x05, 0x02, 0x04, 0x01, 0x01, 0x00])
    try write("bad-malformedFrame-cut-varint", [0x04, 0x85, 0x01, 0x00, 0x80])
    var hello = WireMessage.hello(Samples.hello).encode()
    hello[hello.count - 1] = 2  // "has auth" must be 0 or 1
    try write("bad-malformedFrame-bool", hello)
    hello[hello.count - 1] = 0
    hello[2] = UInt8(ascii: "X")
    try write("bad-badMagic-hello", hello)
    hello[2] = UInt8(ascii: "S")
    hello[6] = 2
    try write("bad-versionMismatch-hello", hello)
    try write("partial-length-only", reset + [0x85])
    try write("partial-empty-step-header", [0x80])
  }
}
