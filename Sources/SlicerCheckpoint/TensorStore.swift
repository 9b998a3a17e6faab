import Foundation
import SlicerTensor

/// A checkpoint whose tensors can be listed and read by name.
///
/// Conformers keep the file memory-mapped; `rawBytes` points into that mapping and stays valid
/// while the store (any copy of it) is alive.
public protocol TensorStore: Sendable {
  /// Every tensor in the checkpoint, by its stored name.
  var tensors: [String: TensorInfo] { get }

  /// The tensor's elements converted to fp32, row-major.
  func floats(_ name: String) throws(CheckpointError) -> [Float]

  /// The tensor's stored little-endian bytes (`count × dtype.size` of them) inside the mapping,
  /// for kernels that consume fp16/bf16 directly. Not necessarily aligned.
  func rawBytes(_ name: String) throws(CheckpointError) -> UnsafeRawBufferPointer
}

extension TensorStore {
  /// The stored name for `name`, accepting it with or without the `model.` prefix that
  /// Hugging Face adds in safetensors files but not in OPT's `pytorch_model.bin`; nil if absent.
  public func storedName(for name: String) -> String? {
    if tensors[name] != nil { return name }
    let prefix = "model."
    if name.hasPrefix(prefix) {
      let bare = String(name.dropFirst(prefix.count))
      if tensors[bare] != nil { return bare }
    } else if tensors[prefix + name] != nil {
      return prefix + name
    }
    return nil
  }
}

/// The tensors of one mapped file: each name's info and the byte range of its data inside the
/// mapping. Both readers build one of these after validating every range against the file.
struct MappedTensors: Sendable {
  let file: MappedFile
  let infos: [String: TensorInfo]
  /// Absolute byte ranges into `file.bytes`, each exactly `info.count × dtype.size` long.
  let ranges: [String: Range<Int>]

  /// The readers validate every range against the file before getting here, so a range outside
  /// the mapping is a bug in a reader, not bad input: stop rather than read out of bounds.
  init(file: MappedFile, infos: [String: TensorInfo], ranges: [String: Range<Int>]) {
    for (name, range) in ranges {
      precondition(
        range.lowerBound >= 0 && range.upperBound <= file.count
          && infos[name].map { $0.count * $0.dtype.size } == range.count,
        "tensor '\(name)' was located outside \(file.url.path)")
    }
    precondition(infos.count == ranges.count)
    self.file = file
    self.infos = infos
    self.ranges = ranges
  }

  func rawBytes(_ name: String) throws(CheckpointError) -> UnsafeRawBufferPointer {
    guard let range = ranges[name] else {
      throw .tensorNotFound(file: file.url, tensor: name)
    }
    return UnsafeRawBufferPointer(rebasing: file.bytes[range])
  }

  func floats(_ name: String) throws(CheckpointError) -> [Float] {
    guard let info = infos[name], let range = ranges[name] else {
      throw .tensorNotFound(file: file.url, tensor: name)
    }
    let count = info.count
    guard count > 0, let base = file.bytes.baseAddress else { return [] }
    return info.dtype.floats(base + range.lowerBound, count: count)
  }
}
