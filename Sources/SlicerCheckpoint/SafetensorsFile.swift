import Foundation
import SlicerTensor

/// A memory-mapped `.safetensors` file (F32, F16 and BF16 tensors).
///
///     ┌───────────────┬────────────────────────┬─────────────────────────────────┐
///     │ N: UInt64, LE │ JSON header, N bytes   │ data region: the rest of file   │
///     └───────────────┴────────────────────────┴─────────────────────────────────┘
///     0               8                        8 + N                        file size
///
/// Opening reads and checks only the header: every tensor's `data_offsets` must lie inside the
/// data region and span exactly `product(shape) × element size` bytes. Data is converted only
/// when asked for.
public struct SafetensorsFile: TensorStore {
  private let storage: MappedTensors

  /// The file's URL.
  public var url: URL { storage.file.url }
  public var tensors: [String: TensorInfo] { storage.infos }

  public init(url: URL) throws(CheckpointError) {
    try self.init(file: MappedFile(url: url))
  }

  /// Reads the header of an already mapped file.
  public init(file: MappedFile) throws(CheckpointError) {
    var cursor = ByteCursor(file.bytes, file: file.url, region: "the safetensors header length")
    let declared = try cursor.u64()
    let headerSpace = file.count - 8
    guard declared <= UInt64(headerSpace) else {
      throw .headerLengthOutOfRange(file: file.url, declared: declared, fileSize: file.count)
    }
    let headerLength = Int(declared)
    let json = UnsafeRawBufferPointer(rebasing: file.bytes[8..<8 + headerLength])
    let header = try SafetensorsHeader.decode(json, file: file.url)

    let dataStart = 8 + headerLength
    let dataSize = file.count - dataStart
    var infos: [String: TensorInfo] = [:]
    var ranges: [String: Range<Int>] = [:]
    // Sorted, so that a file with several bad entries always reports the same one.
    for (name, entry) in header.entries.sorted(by: { $0.key < $1.key }) {
      let info = try Self.check(entry, name: name, dataSize: dataSize, file: file.url)
      infos[name] = info
      ranges[name] = (dataStart + entry.dataOffsets[0])..<(dataStart + entry.dataOffsets[1])
    }
    storage = MappedTensors(file: file, infos: infos, ranges: ranges)
  }

  public func floats(_ name: String) throws(CheckpointError) -> [Float] {
    try storage.floats(name)
  }

  public func rawBytes(_ name: String) throws(CheckpointError) -> UnsafeRawBufferPointer {
    try storage.rawBytes(name)
  }

  /// Validates one header entry against the data region (`dataSize` bytes).
  private static func check(
    _ entry: SafetensorsHeader.Entry, name: String, dataSize: Int, file: URL
  ) throws(CheckpointError) -> TensorInfo {
    guard let dtype = DType(rawValue: entry.dtype) else {
      throw .unsupportedDType(file: file, tensor: name, dtype: entry.dtype)
    }
    guard let count = TensorInfo.elementCount(of: entry.shape),
      let expectedBytes = TensorInfo.byteCount(elements: count, dtype: dtype)
    else {
      throw .invalidShape(file: file, tensor: name, shape: entry.shape)
    }
    guard entry.dataOffsets.count == 2 else {
      throw .malformedHeader(
        file: file,
        reason: "'\(name)' has \(entry.dataOffsets.count) data_offsets instead of [begin, end]")
    }
    let begin = entry.dataOffsets[0]
    let end = entry.dataOffsets[1]
    guard begin >= 0, begin <= end, end <= dataSize else {
      throw .dataOffsetsOutOfRange(
        file: file, tensor: name, begin: begin, end: end, dataSize: dataSize)
    }
    guard end - begin == expectedBytes else {
      throw .tensorSizeMismatch(
        file: file, tensor: name, expectedBytes: expectedBytes, foundBytes: end - begin)
    }
    return TensorInfo(name: name, dtype: dtype, shape: entry.shape)
  }
}
