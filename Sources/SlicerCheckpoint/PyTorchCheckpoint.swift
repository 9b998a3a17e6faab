import Foundation
import SlicerTensor

/// A memory-mapped PyTorch `pytorch_model.bin`: the ZIP archive `torch.save` has written since
/// PyTorch 1.6.
///
///     <archive>/data.pkl        the state dict, pickled; tensors refer to storages by key
///     <archive>/data/<key>      one storage's raw little-endian elements, stored uncompressed
///     <archive>/byteorder       "little" (absent in older files, which are little-endian)
///     <archive>/version, ...    ignored
///
/// `<archive>` is whatever directory name the writer chose (`archive`, `pytorch_model`, ...).
/// Each tensor is `_rebuild_tensor_v2(storage, offset, size, stride, ...)`: a row-major view
/// into a storage. We accept contiguous views (several may share one storage, as tied weights
/// do) and record where each tensor's bytes lie in the mapping.
///
/// Names are kept as stored: OPT's own file uses `decoder.*`, files saved from
/// `OPTForCausalLM` use `model.decoder.*`; see `TensorStore.storedName(for:)`.
public struct PyTorchCheckpoint: TensorStore {
  private let storage: MappedTensors

  /// The file's URL.
  public var url: URL { storage.file.url }
  public var tensors: [String: TensorInfo] { storage.infos }

  public init(url: URL) throws(CheckpointError) {
    try self.init(file: MappedFile(url: url))
  }

  public init(file: MappedFile) throws(CheckpointError) {
    let url = file.url
    let archive = try ZipArchive(file: file)
    let prefix = try Self.archivePrefix(archive)

    if archive.entries[prefix + "byteorder"] != nil {
      let range = try archive.dataRange(of: prefix + "byteorder")
      let order = String(
        decoding: UnsafeRawBufferPointer(rebasing: file.bytes[range]), as: UTF8.self)
      guard order == "little" else { throw .unsupportedByteOrder(file: url, found: order) }
    }

    let pickleRange = try archive.dataRange(of: prefix + "data.pkl")
    let result = try Unpickler.load(
      UnsafeRawBufferPointer(rebasing: file.bytes[pickleRange]), file: url)
    guard let pairs = result.pairs(of: result.root) else {
      throw .notAStateDictionary(
        file: url, reason: "the top-level object is of type \(result.root.kind)")
    }

    var infos: [String: TensorInfo] = [:]
    var ranges: [String: Range<Int>] = [:]
    var storages: [String: Range<Int>] = [:]
    for (key, value) in pairs {
      guard case .string(let name) = key else {
        throw .notAStateDictionary(file: url, reason: "a key is of type \(key.kind), not a string")
      }
      guard case .tensor(let tensor) = value else {
        throw .notAStateDictionary(
          file: url, reason: "'\(name)' is of type \(value.kind), not a tensor")
      }
      // Entries are looked up once per key, but every tensor's own (dtype, numel) claim is
      // checked against the entry: two persistent ids may name one key differently.
      let entryRange: Range<Int>
      if let known = storages[tensor.storage.key] {
        entryRange = known
      } else {
        entryRange = try archive.dataRange(of: prefix + "data/" + tensor.storage.key)
        storages[tensor.storage.key] = entryRange
      }
      let storageRange = try Self.check(tensor.storage, entry: entryRange, file: url)
      let (info, range) = try Self.locate(
        tensor, name: name, storageRange: storageRange, file: url)
      infos[name] = info
      ranges[name] = range
    }
    storage = MappedTensors(file: file, infos: infos, ranges: ranges)
  }

  public func floats(_ name: String) throws(CheckpointError) -> [Float] {
    try storage.floats(name)
  }

  public func rawBytes(_ name: String) throws(CheckpointError) -> UnsafeRawBufferPointer {
    try storage.rawBytes(name)
  }

  // MARK: Layout

  /// The `<archive>/` directory holding `data.pkl` (there must be exactly one).
  private static func archivePrefix(_ archive: ZipArchive) throws(CheckpointError) -> String {
    // `<archive>/data.pkl` with no further directory level.
    let candidates = archive.entries.keys.filter { name in
      name.hasSuffix("/data.pkl") && name.utf8.count(where: { $0 == UInt8(ascii: "/") }) == 1
    }
    guard let pickle = candidates.first else {
      throw .missingZipEntry(file: archive.file.url, entry: "<archive>/data.pkl")
    }
    guard candidates.count == 1 else {
      throw .malformedZip(
        file: archive.file.url,
        reason: "it holds several pickles (\(candidates.sorted().joined(separator: ", ")))")
    }
    return String(pickle.dropLast("data.pkl".count))
  }

  /// Checks a storage's declared size against its entry's byte range, and returns the range.
  private static func check(
    _ storage: TorchStorage, entry range: Range<Int>, file url: URL
  ) throws(CheckpointError) -> Range<Int> {
    let expected = TensorInfo.byteCount(elements: storage.elementCount, dtype: storage.dtype)
    guard let expected, expected == range.count else {
      throw .storageSizeMismatch(
        file: url, storage: storage.key, expectedBytes: expected ?? .max,
        foundBytes: range.count)
    }
    return range
  }

  /// Checks that `tensor` is a contiguous row-major view lying inside its storage, and returns
  /// its info and absolute byte range.
  private static func locate(
    _ tensor: TorchTensor, name: String, storageRange: Range<Int>, file: URL
  ) throws(CheckpointError) -> (TensorInfo, Range<Int>) {
    let dtype = tensor.storage.dtype
    guard let count = TensorInfo.elementCount(of: tensor.shape),
      TensorInfo.byteCount(elements: count, dtype: dtype) != nil
    else {
      throw .invalidShape(file: file, tensor: name, shape: tensor.shape)
    }
    // Row-major: the last dimension has stride 1 and each earlier one spans all later ones.
    // Dimensions of size 1 may carry any stride (torch does not normalize them), and an empty
    // tensor has no layout to check.
    if count > 0 {
      var expected = 1
      for axis in tensor.shape.indices.reversed() where tensor.shape[axis] != 1 {
        guard tensor.stride[axis] == expected else {
          throw .nonContiguousTensor(
            file: file, tensor: name, shape: tensor.shape, stride: tensor.stride)
        }
        expected *= tensor.shape[axis]  // ≤ count, so no overflow
      }
    }
    let (end, overflow) = tensor.offset.addingReportingOverflow(count)
    guard tensor.offset >= 0, !overflow, end <= tensor.storage.elementCount else {
      throw .storageOutOfRange(
        file: file, tensor: name, storage: tensor.storage.key,
        neededElements: overflow ? .max : end, storageElements: tensor.storage.elementCount)
    }
    // The storage entry is exactly elementCount × size bytes (checked), so this cannot overflow.
    let start = storageRange.lowerBound + tensor.offset * dtype.size
    let info = TensorInfo(name: name, dtype: dtype, shape: tensor.shape)
    return (info, start..<start + count * dtype.size)
  }
}
