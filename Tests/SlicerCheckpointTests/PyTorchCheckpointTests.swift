import Foundation
import SlicerCheckpoint
import SlicerTensor
import SlicerTestSupport
import Testing

@Suite struct PyTorchCheckpointTests {
  typealias Spec = PickleWriter.TensorSpec

  /// Storage "0": six fp32 values. "w" views all of it as 2×3, "b" the last two elements.
  static let storage0 = float32Bytes([1, -2, 3.5, 0.25, 5, -6])
  static let specs = [
    Spec(name: "w", key: "0", numel: 6, shape: [2, 3], stride: [3, 1]),
    Spec(name: "b", key: "0", numel: 6, offset: 4, shape: [2], stride: [1]),
  ]

  static func archive(
    prefix: String = "archive/", pickle: [UInt8] = PickleWriter.stateDict(specs),
    storages: [String: [UInt8]] = ["0": storage0], zip64: Bool = false
  ) -> [UInt8] {
    var zip = ZipWriter(zip64: zip64)
    zip.add(prefix + "data.pkl", pickle)
    zip.add(prefix + "byteorder", Array("little".utf8))
    for (key, bytes) in storages.sorted(by: { $0.key < $1.key }) {
      zip.add(prefix + "data/" + key, bytes)
    }
    zip.add(prefix + "version", Array("3\n".utf8))
    return zip.bytes()
  }

  /// Writes `bytes` as a .bin and returns what opening it gives.
  static func open(_ bytes: [UInt8]) throws -> (URL, Result<PyTorchCheckpoint, CheckpointError>) {
    try withTemporaryDirectory { directory in
      let url = try write(bytes, to: directory, as: "pytorch_model.bin")
      do throws(CheckpointError) {
        return (url, .success(try PyTorchCheckpoint(url: url)))
      } catch {
        return (url, .failure(error))
      }
    }
  }

  static func error(_ bytes: [UInt8]) throws -> (URL, CheckpointError?) {
    let (url, result) = try open(bytes)
    if case .failure(let error) = result { return (url, error) }
    return (url, nil)
  }

  static func checkSmallStore(_ result: Result<PyTorchCheckpoint, CheckpointError>) throws {
    let store = try result.get()
    #expect(store.tensors.count == 2)
    #expect(store.tensors["w"] == TensorInfo(name: "w", dtype: .f32, shape: [2, 3]))
    #expect(store.tensors["b"] == TensorInfo(name: "b", dtype: .f32, shape: [2]))
    #expect(try store.floats("w") == [1, -2, 3.5, 0.25, 5, -6])
    #expect(try store.floats("b") == [5, -6])
    #expect(Array(try store.rawBytes("b")) == float32Bytes([5, -6]))
  }

  @Test func readsFloatStorageViewsSharingOneStorage() throws {
    try Self.checkSmallStore(try Self.open(Self.archive()).1)
  }

  @Test func acceptsAnyArchiveDirectoryName() throws {
    try Self.checkSmallStore(try Self.open(Self.archive(prefix: "my_model/")).1)
  }

  @Test func readsZip64Archives() throws {
    try Self.checkSmallStore(try Self.open(Self.archive(zip64: true)).1)
  }

  @Test func readsHalfAndBFloat16Storages() throws {
    let pickle = PickleWriter.stateDict([
      Spec(name: "h", storageType: "HalfStorage", key: "0", numel: 3, shape: [3], stride: [1]),
      Spec(
        name: "g", storageType: "BFloat16Storage", key: "1", numel: 2, shape: [1, 2],
        stride: [7, 1]),
    ])
    let bytes = Self.archive(
      pickle: pickle,
      storages: ["0": [0x00, 0x3C, 0x00, 0xC0, 0x55, 0x35], "1": [0x80, 0x3F, 0x49, 0xC0]])
    let store = try Self.open(bytes).1.get()
    #expect(store.tensors["h"] == TensorInfo(name: "h", dtype: .f16, shape: [3]))
    #expect(store.tensors["g"] == TensorInfo(name: "g", dtype: .bf16, shape: [1, 2]))
    #expect(try store.floats("h") == [1, -2, 0.333251953125])
    #expect(try store.floats("g") == [1, -3.140625])
  }

  /// The shape `torch.save(model.state_dict())` really has: an OrderedDict built by REDUCE,
  /// memoized objects, tensors wrapped by `_rebuild_parameter`, and a BUILD that attaches
  /// `_metadata`.
  @Test func readsOrderedDictWithMetadataAndParameters() throws {
    var p = PickleWriter()
    p.global("collections", "OrderedDict")
    p.op(0x94)  // MEMOIZE → memo 0
    p.op(PickleWriter.emptyTuple)
    p.op(PickleWriter.reduce)
    p.op(0x94)  // memo 1: the state dict
    p.op(PickleWriter.mark)
    p.string("w")
    p.global("torch._utils", "_rebuild_parameter")
    p.op(PickleWriter.mark)
    p.tensor(
      storageType: "FloatStorage", key: "0", numel: 6, offset: 0, shape: [2, 3], stride: [3, 1])
    p.op(0x88)  // NEWTRUE
    p.op(0x68)
    p.op(0)  // BINGET 0: OrderedDict (hooks, a callable here; ignored)
    p.op(PickleWriter.tuple)
    p.op(PickleWriter.reduce)
    p.string("b")
    p.tensor(storageType: "FloatStorage", key: "0", numel: 6, offset: 4, shape: [2], stride: [1])
    p.op(PickleWriter.setItems)
    // state = {'_metadata': OrderedDict({'': {'version': 1}})}
    p.op(PickleWriter.emptyDict)
    p.string("_metadata")
    p.op(0x68)
    p.op(0)
    p.op(PickleWriter.emptyTuple)
    p.op(PickleWriter.reduce)
    p.string("")
    p.op(PickleWriter.emptyDict)
    p.string("version")
    p.op(0x4B)
    p.op(1)  // BININT1 1
    p.op(0x73)  // SETITEM
    p.op(0x73)
    p.op(0x73)
    p.op(0x62)  // BUILD
    p.op(PickleWriter.stop)
    try Self.checkSmallStore(try Self.open(Self.archive(pickle: p.bytes)).1)
  }

  @Test func nonContiguousStridesThrow() throws {
    let pickle = PickleWriter.stateDict([
      Spec(name: "t", key: "0", numel: 6, shape: [2, 3], stride: [1, 2])
    ])
    let (url, error) = try Self.error(Self.archive(pickle: pickle))
    #expect(error == .nonContiguousTensor(file: url, tensor: "t", shape: [2, 3], stride: [1, 2]))
  }

  @Test func viewPastTheStorageThrows() throws {
    let pickle = PickleWriter.stateDict([
      Spec(name: "t", key: "0", numel: 6, offset: 4, shape: [3], stride: [1])
    ])
    let (url, error) = try Self.error(Self.archive(pickle: pickle))
    #expect(
      error
        == .storageOutOfRange(
          file: url, tensor: "t", storage: "0", neededElements: 7, storageElements: 6))
    let negative = PickleWriter.stateDict([
      Spec(name: "t", key: "0", numel: 6, offset: -1, shape: [3], stride: [1])
    ])
    let (url2, error2) = try Self.error(Self.archive(pickle: negative))
    #expect(
      error2
        == .storageOutOfRange(
          file: url2, tensor: "t", storage: "0", neededElements: 2, storageElements: 6))
  }

  @Test func storageEntryOfTheWrongSizeThrows() throws {
    let pickle = PickleWriter.stateDict([
      Spec(name: "t", key: "0", numel: 7, shape: [7], stride: [1])
    ])
    let (url, error) = try Self.error(Self.archive(pickle: pickle))
    #expect(
      error == .storageSizeMismatch(file: url, storage: "0", expectedBytes: 28, foundBytes: 24))
  }

  /// The second tensor claims storage "0" holds 100 floats; the entry holds 6. Its claim must be
  /// checked even though the entry was already looked up for the first tensor.
  @Test func conflictingClaimsOnOneStorageThrow() throws {
    let pickle = PickleWriter.stateDict([
      Spec(name: "a", key: "0", numel: 6, shape: [6], stride: [1]),
      Spec(name: "b", key: "0", numel: 100, offset: 90, shape: [10], stride: [1]),
    ])
    let (url, error) = try Self.error(Self.archive(pickle: pickle))
    #expect(
      error == .storageSizeMismatch(file: url, storage: "0", expectedBytes: 400, foundBytes: 24))
  }

  @Test func missingEntriesThrow() throws {
    let pickle = PickleWriter.stateDict([
      Spec(name: "t", key: "1", numel: 6, shape: [6], stride: [1])
    ])
    let (url, error) = try Self.error(Self.archive(pickle: pickle))
    #expect(error == .missingZipEntry(file: url, entry: "archive/data/1"))

    var zip = ZipWriter()
    zip.add("archive/data/0", Self.storage0)
    let (url2, error2) = try Self.error(zip.bytes())
    #expect(error2 == .missingZipEntry(file: url2, entry: "<archive>/data.pkl"))
  }

  @Test func compressedEntryThrows() throws {
    var zip = ZipWriter()
    zip.add("archive/data.pkl", PickleWriter.stateDict(Self.specs), method: 8)
    let (url, error) = try Self.error(zip.bytes())
    #expect(error == .compressedZipEntry(file: url, entry: "archive/data.pkl", method: 8))
  }

  @Test func bigEndianArchiveThrows() throws {
    var zip = ZipWriter()
    zip.add("archive/data.pkl", PickleWriter.stateDict(Self.specs))
    zip.add("archive/byteorder", Array("big".utf8))
    let (url, error) = try Self.error(zip.bytes())
    #expect(error == .unsupportedByteOrder(file: url, found: "big"))
  }

  @Test func unknownOpcodeThrows() throws {
    var p = PickleWriter()
    p.op(PickleWriter.emptyDict)
    p.op(0x69)  // INST: builds arbitrary classes; never in a state dict
    let (url, error) = try Self.error(Self.archive(pickle: p.bytes))
    #expect(error == .unknownPickleOpcode(file: url, opcode: 0x69, offset: 3))
  }

  @Test func nonWhitelistedGlobalsAreRefused() throws {
    var p = PickleWriter()
    p.global("os", "system")
    let (url, error) = try Self.error(Self.archive(pickle: p.bytes))
    #expect(error == .forbiddenPickleGlobal(file: url, module: "os", name: "system", offset: 2))

    var q = PickleWriter()
    q.string("builtins")
    q.string("eval")
    q.op(0x93)  // STACK_GLOBAL
    let (url2, error2) = try Self.error(Self.archive(pickle: q.bytes))
    #expect(
      error2 == .forbiddenPickleGlobal(file: url2, module: "builtins", name: "eval", offset: 24))
  }

  @Test func topLevelThatIsNotAStateDictThrows() throws {
    var p = PickleWriter()
    p.op(0x5D)  // EMPTY_LIST
    p.op(PickleWriter.stop)
    let (url, error) = try Self.error(Self.archive(pickle: p.bytes))
    #expect(
      error == .notAStateDictionary(file: url, reason: "the top-level object is of type list"))

    var q = PickleWriter()
    q.op(PickleWriter.emptyDict)
    q.string("step")
    q.int(3)
    q.op(0x73)
    q.op(PickleWriter.stop)
    let (url2, error2) = try Self.error(Self.archive(pickle: q.bytes))
    #expect(
      error2 == .notAStateDictionary(file: url2, reason: "'step' is of type int, not a tensor"))
  }

  @Test func wrongZipMagicThrows() throws {
    var bytes = try [UInt8](Data(contentsOf: FixtureTests.pytorchURL))
    bytes[0] = UInt8(ascii: "X")
    let (url, error) = try Self.error(bytes)
    #expect(error == .notZipArchive(url))
    let safetensors = try [UInt8](Data(contentsOf: FixtureTests.safetensorsURL))
    let (url2, error2) = try Self.error(safetensors)
    #expect(error2 == .notZipArchive(url2))
  }

  @Test func truncatedFixtureThrows() throws {
    let original = try [UInt8](Data(contentsOf: FixtureTests.pytorchURL))
    for cut in [3, 5_000, 3_000_000, original.count - 1] {
      let (url, error) = try Self.error(Array(original.prefix(cut)))
      #expect(error == .notZipArchive(url), "cut at \(cut)")
    }
  }

  @Test func pickleWithoutStopThrows() throws {
    var p = PickleWriter()
    p.op(PickleWriter.emptyDict)
    let (url, error) = try Self.error(Self.archive(pickle: p.bytes))
    #expect(
      error == .malformedPickle(file: url, offset: 3, reason: "the data ends without a STOP opcode")
    )
  }

  @Test func centralDirectoryPointingOutsideTheFileThrows() throws {
    var bytes = Self.archive()
    // The EOCD's directory offset (+16) → far past the end.
    let end = bytes.count - 22
    bytes.replaceSubrange(end + 16..<end + 20, with: [0xF0, 0xFF, 0xFF, 0x7F])
    let (_, error) = try Self.error(bytes)
    guard case .malformedZip = error else {
      Issue.record("expected malformedZip, got \(String(describing: error))")
      return
    }
  }
}
