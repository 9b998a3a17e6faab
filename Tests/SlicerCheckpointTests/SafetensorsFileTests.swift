import Foundation
import SlicerCheckpoint
import SlicerTensor
import SlicerTestSupport
import Testing

/// An 8-byte little-endian header length, the JSON header, then `data`.
func safetensors(_ header: String, _ data: [UInt8]) -> [UInt8] {
  var out: [UInt8] = []
  out.appendLittleEndian(UInt64(header.utf8.count))
  return out + Array(header.utf8) + data
}

@Suite struct SafetensorsFileTests {
  /// 12 bytes of F32, 6 of F16, 4 of BF16, 4 of a scalar F32, and an empty tensor.
  static let data: [UInt8] =
    float32Bytes([1.5, -2, 0.25])
    + [0x00, 0x3C, 0x00, 0xC0, 0x55, 0x35]  // F16 1.0, -2.0, 0.333251953125
    + [0x80, 0x3F, 0x49, 0xC0]  // BF16 1.0, -3.140625
    + float32Bytes([42])
  static let header = """
    {"__metadata__": {"format": "pt"},
     "a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 12]},
     "h": {"dtype": "F16", "shape": [1, 3], "data_offsets": [12, 18]},
     "b": {"dtype": "BF16", "shape": [2], "data_offsets": [18, 22]},
     "s": {"dtype": "F32", "shape": [], "data_offsets": [22, 26]},
     "e": {"dtype": "F16", "shape": [4, 0], "data_offsets": [26, 26]}}
    """

  @Test func readsEveryDTypeExactly() throws {
    try withTemporaryDirectory { directory in
      let url = try write(safetensors(Self.header, Self.data), to: directory, as: "m.safetensors")
      let store = try SafetensorsFile(url: url)
      #expect(store.tensors.count == 5)
      #expect(store.tensors["a"] == TensorInfo(name: "a", dtype: .f32, shape: [3]))
      #expect(store.tensors["h"] == TensorInfo(name: "h", dtype: .f16, shape: [1, 3]))
      #expect(store.tensors["b"] == TensorInfo(name: "b", dtype: .bf16, shape: [2]))
      #expect(store.tensors["s"]?.count == 1)
      #expect(store.tensors["e"]?.count == 0)
      #expect(try store.floats("a") == [1.5, -2, 0.25])
      #expect(try store.floats("h") == [1, -2, 0.333251953125])
      #expect(try store.floats("b") == [1, -3.140625])
      #expect(try store.floats("s") == [42])
      #expect(try store.floats("e") == [])
      #expect(Array(try store.rawBytes("h")) == [0x00, 0x3C, 0x00, 0xC0, 0x55, 0x35])
      #expect(try store.rawBytes("e").count == 0)
    }
  }

  /// Writes `header` + `data` and returns what opening it throws.
  static func openError(_ header: String, _ data: [UInt8] = data) throws -> (URL, CheckpointError?)
  {
    try withTemporaryDirectory { directory in
      let url = try write(safetensors(header, data), to: directory, as: "bad.safetensors")
      return (url, checkpointError { _ = try SafetensorsFile(url: url) })
    }
  }

  @Test func unsupportedDTypeNamesTensorAndType() throws {
    let (url, error) = try Self.openError(
      #"{"x": {"dtype": "I64", "shape": [1], "data_offsets": [0, 8]}}"#)
    #expect(error == .unsupportedDType(file: url, tensor: "x", dtype: "I64"))
  }

  @Test func offsetsPastTheDataRegionThrow() throws {
    let (url, error) = try Self.openError(
      #"{"x": {"dtype": "F32", "shape": [8], "data_offsets": [0, 32]}}"#)
    #expect(
      error == .dataOffsetsOutOfRange(file: url, tensor: "x", begin: 0, end: 32, dataSize: 26))
  }

  @Test func reversedOrNegativeOffsetsThrow() throws {
    let (url, reversed) = try Self.openError(
      #"{"x": {"dtype": "F32", "shape": [1], "data_offsets": [8, 4]}}"#)
    #expect(
      reversed == .dataOffsetsOutOfRange(file: url, tensor: "x", begin: 8, end: 4, dataSize: 26))
    let (url2, negative) = try Self.openError(
      #"{"x": {"dtype": "F32", "shape": [1], "data_offsets": [-4, 0]}}"#)
    #expect(
      negative == .dataOffsetsOutOfRange(file: url2, tensor: "x", begin: -4, end: 0, dataSize: 26))
  }

  @Test func spanNotMatchingShapeThrows() throws {
    let (url, error) = try Self.openError(
      #"{"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 12]}}"#)
    #expect(error == .tensorSizeMismatch(file: url, tensor: "x", expectedBytes: 8, foundBytes: 12))
  }

  @Test func overflowingOrNegativeShapeThrows() throws {
    let huge =
      #"{"x": {"dtype": "F16", "shape": [9223372036854775807, 2], "data_offsets": [0, 4]}}"#
    let (url, overflow) = try Self.openError(huge)
    #expect(overflow == .invalidShape(file: url, tensor: "x", shape: [Int.max, 2]))
    // Element count fits, byte count does not.
    let bytes = #"{"x": {"dtype": "F32", "shape": [4611686018427387904], "data_offsets": [0, 4]}}"#
    let (url2, byteOverflow) = try Self.openError(bytes)
    #expect(byteOverflow == .invalidShape(file: url2, tensor: "x", shape: [1 << 62]))
    let (url3, negative) = try Self.openError(
      #"{"x": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}"#)
    #expect(negative == .invalidShape(file: url3, tensor: "x", shape: [-1]))
  }

  @Test func malformedHeadersThrowMalformedHeader() throws {
    for header in [
      "not json",
      "[1, 2]",
      #"{"x": {"dtype": "F32", "shape": [1]}}"#,
      #"{"x": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4, 8]}}"#,
      #"{"x": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}}"#,
      #"{"x": {"dtype": "F32", "shape": [1], "data_offsets": [0, 1e30]}}"#,
      #"{"x": 3}"#,
    ] {
      let (_, error) = try Self.openError(header)
      guard case .malformedHeader = error else {
        Issue.record("\(header): expected malformedHeader, got \(String(describing: error))")
        continue
      }
    }
  }

  @Test func hugeHeaderLengthThrows() throws {
    try withTemporaryDirectory { directory in
      var bytes = safetensors(Self.header, Self.data)
      for index in 0..<8 { bytes[index] = 0xFF }
      let url = try write(bytes, to: directory, as: "huge.safetensors")
      #expect(
        throws: CheckpointError.headerLengthOutOfRange(
          file: url, declared: .max, fileSize: bytes.count)
      ) {
        try SafetensorsFile(url: url)
      }
    }
  }

  /// The fixture cut at several points: every cut is a specific error, never a trap.
  @Test func truncatedFixtureThrows() throws {
    let original = try [UInt8](Data(contentsOf: Fixtures.url("tiny-opt/model.safetensors")))
    let headerLength = 7400  // the fixture's declared JSON length
    try withTemporaryDirectory { directory in
      func open(_ cut: Int) throws -> (URL, CheckpointError?) {
        let url = try write(Array(original.prefix(cut)), to: directory, as: "cut\(cut).safetensors")
        return (url, checkpointError { _ = try SafetensorsFile(url: url) })
      }
      let (u0, e0) = try open(0)
      #expect(e0 == .emptyFile(u0))
      let (u4, e4) = try open(4)
      #expect(
        e4
          == .truncated(
            file: u4, region: "the safetensors header length", offset: 0, needed: 8, available: 4))
      let (u100, e100) = try open(100)
      #expect(
        e100 == .headerLengthOutOfRange(file: u100, declared: UInt64(headerLength), fileSize: 100))
      // Cut right after the header: the first tensor by name has no data at all.
      let (uh, eh) = try open(8 + headerLength)
      #expect(
        eh
          == .dataOffsetsOutOfRange(
            file: uh, tensor: "model.decoder.embed_positions.weight", begin: 0, end: 16640,
            dataSize: 0))
      let (um, em) = try open(3_000_000)
      #expect(
        em
          == .dataOffsetsOutOfRange(
            file: um, tensor: "model.decoder.embed_tokens.weight", begin: 16640, end: 6_451_456,
            dataSize: 3_000_000 - 8 - headerLength))
      let (ul, el) = try open(original.count - 1)
      guard case .dataOffsetsOutOfRange(ul, _, _, _, original.count - 9 - headerLength) = el else {
        Issue.record("cut before the last byte: \(String(describing: el))")
        return
      }
    }
  }

  @Test func missingEmptyAndDirectoryFilesThrow() throws {
    try withTemporaryDirectory { directory in
      let missing = directory.appendingPathComponent("absent.safetensors")
      #expect(throws: CheckpointError.fileNotFound(missing)) { try SafetensorsFile(url: missing) }
      let empty = try write([], to: directory, as: "empty.safetensors")
      #expect(throws: CheckpointError.emptyFile(empty)) { try MappedFile(url: empty) }
      #expect(throws: CheckpointError.unreadableFile(directory, reason: "it is not a regular file"))
      {
        try MappedFile(url: directory)
      }
    }
  }

  @Test func mappedFileExposesTheBytes() throws {
    try withTemporaryDirectory { directory in
      let url = try write([1, 2, 3, 250], to: directory, as: "four")
      let file = try MappedFile(url: url)
      #expect(file.count == 4)
      #expect(file.url == url)
      #expect(Array(file.bytes) == [1, 2, 3, 250])
    }
  }

  @Test func errorDescriptionsAreSentencesNamingTheFile() {
    let url = URL(fileURLWithPath: "/models/opt/model.safetensors")
    let error = CheckpointError.dataOffsetsOutOfRange(
      file: url, tensor: "w", begin: 0, end: 32, dataSize: 26)
    #expect(
      error.description
        == "/models/opt/model.safetensors: tensor 'w' spans bytes 0..<32 but the data region has "
        + "26 bytes; the file is truncated or corrupt.")
  }
}
