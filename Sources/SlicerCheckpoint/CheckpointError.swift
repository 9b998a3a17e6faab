import Foundation

/// Everything that can go wrong while opening or reading a checkpoint.
///
/// Each case carries the evidence (file, tensor, offsets, sizes) so the message tells the user
/// which file is bad and how; none of them is a programmer error.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
  // MARK: Files

  /// The file does not exist.
  case fileNotFound(URL)
  /// The file exists but cannot be opened or mapped (`reason` is the system's word for it).
  case unreadableFile(URL, reason: String)
  /// The file has zero bytes.
  case emptyFile(URL)
  /// A read of `needed` bytes at `offset` ran past the end of `region`, which has `available`.
  case truncated(file: URL, region: String, offset: Int, needed: Int, available: Int)
  /// A directory holds none of the checkpoint files we can read.
  case noCheckpointInDirectory(URL, lookedFor: [String])
  /// The store has no tensor of that name.
  case tensorNotFound(file: URL, tensor: String)

  // MARK: safetensors

  /// The 8-byte header length does not fit in the file.
  case headerLengthOutOfRange(file: URL, declared: UInt64, fileSize: Int)
  /// The JSON header is not valid JSON or does not have the safetensors layout.
  case malformedHeader(file: URL, reason: String)
  /// A tensor's element type is not one we read (F32, F16, BF16).
  case unsupportedDType(file: URL, tensor: String, dtype: String)
  /// A shape has a negative dimension, or its element count overflows.
  case invalidShape(file: URL, tensor: String, shape: [Int])
  /// A tensor's `data_offsets` are reversed or run past the data region.
  case dataOffsetsOutOfRange(file: URL, tensor: String, begin: Int, end: Int, dataSize: Int)
  /// A tensor's byte span does not match its shape × element size.
  case tensorSizeMismatch(file: URL, tensor: String, expectedBytes: Int, foundBytes: Int)

  // MARK: PyTorch zip

  /// No ZIP end-of-central-directory record, or the file does not start like a ZIP archive.
  case notZipArchive(URL)
  /// The ZIP structure is inconsistent (`reason` names the record and the field).
  case malformedZip(file: URL, reason: String)
  /// An entry we need is compressed (`torch.save` stores entries uncompressed).
  case compressedZipEntry(file: URL, entry: String, method: Int)
  /// An entry we need is absent from the archive.
  case missingZipEntry(file: URL, entry: String)
  /// The archive's `byteorder` record says the tensors are not little-endian.
  case unsupportedByteOrder(file: URL, found: String)

  // MARK: PyTorch pickle

  /// `data.pkl` uses an opcode outside the subset `torch.save` writes.
  case unknownPickleOpcode(file: URL, opcode: UInt8, offset: Int)
  /// `data.pkl` names a global we refuse to load (only torch's tensor rebuilders are allowed).
  case forbiddenPickleGlobal(file: URL, module: String, name: String, offset: Int)
  /// `data.pkl` is inconsistent (stack underflow, wrong argument types, ...).
  case malformedPickle(file: URL, offset: Int, reason: String)
  /// The unpickled object is not a dictionary from names to tensors.
  case notAStateDictionary(file: URL, reason: String)
  /// A tensor is a strided view; we read only contiguous row-major tensors.
  case nonContiguousTensor(file: URL, tensor: String, shape: [Int], stride: [Int])
  /// A tensor's elements run past the end of its storage.
  case storageOutOfRange(
    file: URL, tensor: String, storage: String, neededElements: Int, storageElements: Int)
  /// A storage record's byte size does not match its declared element count.
  case storageSizeMismatch(file: URL, storage: String, expectedBytes: Int, foundBytes: Int)

  public var description: String {
    switch self {
    case .fileNotFound(let url):
      "\(url.path): no such file."
    case .unreadableFile(let url, let reason):
      "\(url.path): cannot read the file (\(reason))."
    case .emptyFile(let url):
      "\(url.path): the file is empty; download it again."
    case .truncated(let url, let region, let offset, let needed, let available):
      "\(url.path): \(region) is cut short: \(needed) bytes needed at offset \(offset) but only "
        + "\(available) exist; the file is truncated or corrupt."
    case .noCheckpointInDirectory(let url, let names):
      "\(url.path): found none of \(names.joined(separator: ", ")); put a checkpoint there."
    case .tensorNotFound(let url, let tensor):
      "\(url.path): the checkpoint has no tensor named '\(tensor)'."
    case .headerLengthOutOfRange(let url, let declared, let size):
      "\(url.path): the safetensors header claims \(declared) bytes but the file has only "
        + "\(size); the file is truncated or not safetensors."
    case .malformedHeader(let url, let reason):
      "\(url.path): the safetensors header is malformed: \(reason)."
    case .unsupportedDType(let url, let tensor, let dtype):
      "\(url.path): tensor '\(tensor)' has element type \(dtype); only F32, F16 and BF16 are "
        + "supported."
    case .invalidShape(let url, let tensor, let shape):
      "\(url.path): tensor '\(tensor)' has an invalid shape \(shape)."
    case .dataOffsetsOutOfRange(let url, let tensor, let begin, let end, let dataSize):
      "\(url.path): tensor '\(tensor)' spans bytes \(begin)..<\(end) but the data region has "
        + "\(dataSize) bytes; the file is truncated or corrupt."
    case .tensorSizeMismatch(let url, let tensor, let expected, let found):
      "\(url.path): tensor '\(tensor)' should take \(expected) bytes for its shape but spans "
        + "\(found)."
    case .notZipArchive(let url):
      "\(url.path): not a ZIP archive (or truncated); PyTorch checkpoints are read only in the "
        + "zip format torch.save writes since PyTorch 1.6."
    case .malformedZip(let url, let reason):
      "\(url.path): the ZIP structure is corrupt: \(reason)."
    case .compressedZipEntry(let url, let entry, let method):
      "\(url.path): entry '\(entry)' is compressed (method \(method)); re-save it with "
        + "torch.save, which stores entries uncompressed."
    case .missingZipEntry(let url, let entry):
      "\(url.path): the archive has no entry '\(entry)'; it is not a torch.save checkpoint."
    case .unsupportedByteOrder(let url, let found):
      "\(url.path): the tensors are stored \(found)-endian; only little-endian is supported."
    case .unknownPickleOpcode(let url, let opcode, let offset):
      "\(url.path): data.pkl uses pickle opcode 0x\(String(opcode, radix: 16)) at offset "
        + "\(offset), which a torch state dict never needs."
    case .forbiddenPickleGlobal(let url, let module, let name, let offset):
      "\(url.path): data.pkl references \(module).\(name) at offset \(offset); only torch's "
        + "tensor rebuilders are allowed, so the file was refused."
    case .malformedPickle(let url, let offset, let reason):
      "\(url.path): data.pkl is malformed at offset \(offset): \(reason)."
    case .notAStateDictionary(let url, let reason):
      "\(url.path): the pickled object is not a state dict of tensors: \(reason)."
    case .nonContiguousTensor(let url, let tensor, let shape, let stride):
      "\(url.path): tensor '\(tensor)' of shape \(shape) has strides \(stride); only "
        + "contiguous row-major tensors are supported."
    case .storageOutOfRange(let url, let tensor, let storage, let needed, let available):
      "\(url.path): tensor '\(tensor)' needs elements up to \(needed) of storage '\(storage)', "
        + "which holds \(available)."
    case .storageSizeMismatch(let url, let storage, let expected, let found):
      "\(url.path): storage '\(storage)' should take \(expected) bytes but its entry has "
        + "\(found)."
    }
  }
}
