import Foundation
import Testing

@testable import SlicerCheckpoint

/// Bad input must give a `GGUFError` naming the problem, never a trap or a huge allocation.
@Suite struct GGUFMalformedTests {
  private func open(_ writer: GGUFTestWriter) throws(GGUFError) -> GGUFFile {
    try GGUFFile(bytes: writer.bytes())
  }

  private func parseError(_ bytes: [UInt8]) -> GGUFError? {
    do {
      _ = try GGUFFile(bytes: bytes)
      return nil
    } catch {
      return error
    }
  }

  @Test func everyTruncationIsAnError() {
    var writer = GGUFTensorTests.writer()
    writer.metadata += GGUFMetadataTests.entries
    let bytes = writer.bytes()
    #expect((try? GGUFFile(bytes: bytes)) != nil)
    for cut in 0..<bytes.count {
      let error = parseError(Array(bytes[0..<cut]))
      switch error {
      case .truncated?, .countTooLarge?, .tensorOutOfBounds?: break
      default: Issue.record("cut at \(cut) of \(bytes.count): \(String(describing: error))")
      }
    }
    #expect(parseError([]) == .truncated(what: "the magic", offset: 0, needed: 4, fileSize: 0))
    #expect(
      parseError(Array(bytes[0..<10]))
        == .truncated(what: "the tensor count", offset: 8, needed: 8, fileSize: 10))
  }

  @Test func wrongMagicAndVersionsAreNamed() {
    var writer = GGUFTestWriter()
    writer.magic = Array("GGML".utf8)
    #expect(parseError(writer.bytes()) == .badMagic(found: [0x47, 0x47, 0x4D, 0x4C]))
    #expect(
      "\(GGUFError.badMagic(found: [0x50, 0x4B, 0x03, 0x04]))".contains("starts with 50 4B 03 04"))

    writer = GGUFTestWriter()
    writer.version = 1
    #expect(parseError(writer.bytes()) == .unsupportedVersion(1))
    writer.version = UInt32(3).byteSwapped
    #expect(parseError(writer.bytes()) == .bigEndian(version: 3))
  }

  @Test func tensorsOutsideTheFileAreRejected() {
    var writer = GGUFTensorTests.writer()
    writer.tensors[1].offsetOverride = 1 << 20
    guard
      case .tensorOutOfBounds(let name, _, let byteCount, let fileSize)? = parseError(
        writer.bytes())
    else {
      Issue.record("expected tensorOutOfBounds")
      return
    }
    #expect(name == "w" && byteCount == 12 && fileSize == writer.bytes().count)

    // An offset that overflows when added to the data section start.
    writer.tensors[1].offsetOverride = UInt64.max - 63
    guard case .tensorOutOfBounds(tensor: "w", _, _, _)? = parseError(writer.bytes()) else {
      Issue.record("expected tensorOutOfBounds")
      return
    }

    writer.tensors[1].offsetOverride = 8
    #expect(parseError(writer.bytes()) == .misalignedTensor(tensor: "w", offset: 8, alignment: 64))
  }

  @Test func tensorTypesAndShapesAreChecked() {
    func single(_ dimensions: [UInt64], type: UInt32, bytes: Int = 0) -> GGUFError? {
      var writer = GGUFTestWriter()
      writer.tensors = [
        .init(
          name: "t", dimensions: dimensions, typeID: type, data: [UInt8](repeating: 0, count: bytes)
        )
      ]
      return parseError(writer.bytes())
    }
    #expect(single([32], type: 4) == .unknownTensorType(tensor: "t", typeID: 4))
    #expect(single([32], type: 1000) == .unknownTensorType(tensor: "t", typeID: 1000))
    #expect(single([48, 2], type: 8) == .partialBlock(tensor: "t", type: .q8_0, rowLength: 48))
    #expect(single([1, 1, 1, 1, 1], type: 0) == .tooManyDimensions(tensor: "t", count: 5))
    #expect(
      single([1 << 40, 1 << 40], type: 0)
        == .shapeOverflow(tensor: "t", dimensions: [1 << 40, 1 << 40]))
    #expect(single([1 << 63], type: 0) == .shapeOverflow(tensor: "t", dimensions: [1 << 63]))
    // 2^61 elements fit in Int, their 2^63 bytes do not.
    #expect(single([1 << 61], type: 0) == .shapeOverflow(tensor: "t", dimensions: [1 << 61]))
    // Plausible but far larger than the file.
    guard
      case .tensorOutOfBounds(tensor: "t", start: _, byteCount: 4 << 30, fileSize: _)? = single(
        [1 << 30], type: 0)
    else {
      Issue.record("expected tensorOutOfBounds")
      return
    }
    #expect(single([4], type: 0, bytes: 16) == nil)
  }

  @Test func hugeCountsFailBeforeAllocating() {
    var writer = GGUFTestWriter()
    writer.tensorCountOverride = 1 << 60
    guard
      case .countTooLarge(
        what: "the tensor count", count: 1 << 60, offset: 8, _, minimumItemSize: 24)? =
        parseError(writer.bytes())
    else {
      Issue.record("expected countTooLarge for the tensor count")
      return
    }

    writer = GGUFTestWriter()
    writer.metadataCountOverride = .max
    guard
      case .countTooLarge(what: "the metadata count", count: .max, offset: 16, _, _)? = parseError(
        writer.bytes())
    else {
      Issue.record("expected countTooLarge for the metadata count")
      return
    }

    // An array of 2^60 UINT8, an array of 2^59 strings, a key of 2^60 bytes.
    for (entry, what) in [
      (Self.entry(key: "a", arrayType: 0, count: 1 << 60), "the array \"a\""),
      (Self.entry(key: "s", arrayType: 8, count: 1 << 59), "the array \"s\""),
      (Self.hugeKey(), "the length of metadata key #0"),
    ] {
      writer = GGUFTestWriter()
      writer.rawEntries = [entry]
      guard case .countTooLarge(what: what, _, _, _, _)? = parseError(writer.bytes()) else {
        Issue.record(
          "expected countTooLarge for \(what), got \(String(describing: parseError(writer.bytes())))"
        )
        continue
      }
    }
  }

  @Test func malformedMetadataIsNamed() {
    func withRaw(_ entry: [UInt8]) -> GGUFError? {
      var writer = GGUFTestWriter()
      writer.rawEntries = [entry]
      return parseError(writer.bytes())
    }
    var entry = Self.key("flag")
    append(UInt32(7), to: &entry)
    entry.append(2)
    #expect(withRaw(entry) == .invalidBool(key: "flag", byte: 2, offset: 24 + 12 + 4))

    entry = Self.key("x")
    append(UInt32(13), to: &entry)
    #expect(withRaw(entry) == .invalidValueType(key: "x", typeID: 13, offset: 24 + 9))
    #expect(
      withRaw(Self.entry(key: "x", arrayType: 13, count: 0))
        == .invalidValueType(key: "x", typeID: 13, offset: 24 + 9 + 4))

    entry = []
    append(UInt64(2), to: &entry)
    entry += [0xC3, 0x28]  // not UTF-8
    #expect(withRaw(entry) == .invalidUTF8(what: "metadata key #0", offset: 32))

    // Ten nested array headers, each holding one array.
    entry = Self.key("deep")
    append(UInt32(9), to: &entry)
    for _ in 0..<10 {
      append(UInt32(9), to: &entry)
      append(UInt64(1), to: &entry)
    }
    #expect(
      withRaw(entry) == .arrayNestingTooDeep(key: "deep", limit: GGUFCursor.maximumArrayNesting))

    var writer = GGUFTestWriter()
    writer.metadata = [("k", .uint8(1)), ("k", .uint8(2))]
    #expect(parseError(writer.bytes()) == .duplicateKey("k"))

    writer.metadata = [("general.alignment", .uint32(48))]
    #expect(parseError(writer.bytes()) == .invalidAlignment("uint32(48)"))
    writer.metadata = [("general.alignment", .string("32"))]
    #expect(parseError(writer.bytes()) == .invalidAlignment("string(\"32\")"))

    writer = GGUFTestWriter()
    writer.tensors = [
      .init(name: "t", dimensions: [1], typeID: 0, data: f32Bytes([1])),
      .init(name: "t", dimensions: [1], typeID: 0, data: f32Bytes([2])),
    ]
    #expect(parseError(writer.bytes()) == .duplicateTensor("t"))
  }

  @Test func unopenableFilesAreNamed() {
    let missing = "/nonexistent/model.gguf"
    #expect(throws: GGUFError.cannotOpen(path: missing, reason: "No such file or directory")) {
      try GGUFFile(url: URL(fileURLWithPath: missing))
    }
    let directory = FileManager.default.temporaryDirectory
    #expect(throws: GGUFError.cannotOpen(path: directory.path, reason: "it is not a regular file"))
    {
      try GGUFFile(url: directory)
    }
  }

  // MARK: - Raw entries

  /// A GGUF string holding `key`.
  private static func key(_ key: String) -> [UInt8] {
    var out: [UInt8] = []
    append(UInt64(key.utf8.count), to: &out)
    return out + Array(key.utf8)
  }

  /// An ARRAY entry header declaring `count` elements of `arrayType`, with no elements.
  private static func entry(key name: String, arrayType: UInt32, count: UInt64) -> [UInt8] {
    var out = key(name)
    append(UInt32(9), to: &out)
    append(arrayType, to: &out)
    append(count, to: &out)
    return out
  }

  /// A key whose length field claims 2^60 bytes.
  private static func hugeKey() -> [UInt8] {
    var out: [UInt8] = []
    append(UInt64(1) << 60, to: &out)
    return out + Array("k".utf8)
  }
}
