import Foundation
import SlicerTensor

/// A GGUF model file (llama.cpp's format): its metadata, its tensors' layouts, and their data,
/// memory-mapped.
///
/// Everything is validated when the file is opened (see `GGUFParser`); after that the object is
/// immutable and safe to share across threads. Tensor data is read on demand from the map:
/// `floats(_:)` decodes a tensor to fp32, `rawBytes(_:)` exposes its stored blocks for kernels
/// that work on quantized data directly.
///
/// ```swift
/// let file = try GGUFFile(url: url)
/// let layers = try file.int("llama.block_count")
/// let embedding = try file.floats("token_embd.weight")  // [vocab × d] row-major
/// ```
public final class GGUFFile: @unchecked Sendable {
  /// The file's GGUF version (2 or 3).
  public let version: UInt32
  /// The data section's alignment (`general.alignment`, default 32).
  public let alignment: Int
  /// Byte offset of the data section.
  public let dataOffset: Int
  /// Every metadata entry by key.
  public let metadata: [String: GGUFValue]
  /// Metadata keys in file order.
  public let metadataKeys: [String]
  /// Every tensor by name.
  public let tensors: [String: GGUFTensorInfo]
  /// Tensor names in file order.
  public let tensorNames: [String]

  private let storage: GGUFStorage

  /// Total size of the file in bytes.
  public var fileSize: Int { storage.bytes.count }

  /// Opens and validates the GGUF file at `url`, memory-mapping it.
  public convenience init(url: URL) throws(GGUFError) {
    try self.init(storage: GGUFStorage.map(path: url.path))
  }

  /// Parses a GGUF file held in memory (the bytes are copied).
  public convenience init(bytes: [UInt8]) throws(GGUFError) {
    try self.init(storage: GGUFStorage.copying(bytes))
  }

  private init(storage: GGUFStorage) throws(GGUFError) {
    let layout = try GGUFParser.parse(storage.bytes)
    self.storage = storage
    version = layout.version
    alignment = layout.alignment
    dataOffset = layout.dataOffset
    metadata = layout.metadata
    metadataKeys = layout.metadataKeys
    tensors = layout.tensors
    tensorNames = layout.tensorNames
  }

  /// The layout of tensor `name`.
  public func tensor(_ name: String) throws(GGUFError) -> GGUFTensorInfo {
    guard let info = tensors[name] else { throw .noSuchTensor(name) }
    return info
  }

  /// Tensor `name` decoded to fp32, in row-major order for `shape` (ggml's `ne` reversed) — which
  /// is simply storage order, since `ne[0]` is the contiguous dimension.
  public func floats(_ name: String) throws(GGUFError) -> [Float] {
    let info = try tensor(name)
    guard info.type.isDequantizable else { throw .unsupportedType(tensor: name, type: info.type) }
    let data = try rawBytes(name)
    guard let base = data.baseAddress else { return [] }  // zero elements
    return QuantizedBlocks.dequantize(info.type, base, count: info.elementCount)
  }

  /// The stored bytes of tensor `name` (blocks as laid out in the file; see `QuantizedBlocks`).
  /// The buffer points into the file's memory map and is valid only while this `GGUFFile` is alive.
  public func rawBytes(_ name: String) throws(GGUFError) -> UnsafeRawBufferPointer {
    let info = try tensor(name)
    // The parser checked offset + byteCount <= fileSize.
    return UnsafeRawBufferPointer(
      rebasing: storage.bytes[info.offset..<info.offset + info.byteCount])
  }
}
