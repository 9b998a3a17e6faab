import SlicerTensor

/// Everything that can be wrong with a GGUF file or a request made of it. Each case carries the
/// evidence (offsets are byte offsets from the start of the file).
public enum GGUFError: Error, Equatable, Sendable {
  /// The file could not be opened, inspected or memory-mapped (`reason` is the system's message).
  case cannotOpen(path: String, reason: String)
  /// The first four bytes are not `GGUF`.
  case badMagic(found: [UInt8])
  /// The version field is one this reader does not understand (2 and 3 are supported).
  case unsupportedVersion(UInt32)
  /// The version field reads as 2 or 3 only when byte-swapped: a big-endian GGUF file.
  case bigEndian(version: UInt32)
  /// The file ends before a field: `what` at `offset` needs `needed` bytes, the file has `fileSize`.
  case truncated(what: String, offset: Int, needed: Int, fileSize: Int)
  /// A declared count cannot fit in what is left of the file (each item takes at least
  /// `minimumItemSize` bytes); rejected before anything is allocated for it.
  case countTooLarge(what: String, count: UInt64, offset: Int, bytesLeft: Int, minimumItemSize: Int)
  /// A metadata value (or array element) type id outside GGUF's 0…12.
  case invalidValueType(key: String, typeID: UInt32, offset: Int)
  /// A BOOL byte other than 0 or 1.
  case invalidBool(key: String, byte: UInt8, offset: Int)
  /// A string whose bytes are not valid UTF-8.
  case invalidUTF8(what: String, offset: Int)
  /// Arrays nested deeper than `limit` levels.
  case arrayNestingTooDeep(key: String, limit: Int)
  /// The same metadata key appears twice.
  case duplicateKey(String)
  /// `general.alignment` is not a power of two (or not an integer).
  case invalidAlignment(String)
  /// The same tensor name appears twice.
  case duplicateTensor(String)
  /// A tensor declares more dimensions than ggml's maximum of 4.
  case tooManyDimensions(tensor: String, count: UInt32)
  /// A tensor's element count or byte size does not fit in a signed 64-bit integer.
  case shapeOverflow(tensor: String, dimensions: [UInt64])
  /// A tensor type id that is not a ggml type.
  case unknownTensorType(tensor: String, typeID: UInt32)
  /// A block-quantized tensor whose rows (`ne[0]`) are not a whole number of blocks.
  case partialBlock(tensor: String, type: GGMLType, rowLength: Int)
  /// A tensor's data offset (relative to the data section) is not a multiple of the alignment.
  case misalignedTensor(tensor: String, offset: UInt64, alignment: Int)
  /// A tensor's bytes `[start, start + byteCount)` do not lie inside the file.
  case tensorOutOfBounds(tensor: String, start: UInt64, byteCount: Int, fileSize: Int)
  /// A tensor's type cannot be decoded to fp32 by this reader.
  case unsupportedType(tensor: String, type: GGMLType)
  /// No tensor of that name.
  case noSuchTensor(String)
  /// No metadata entry of that key.
  case missingKey(String)
  /// A metadata entry whose value is not of the type asked for.
  case wrongValueType(key: String, expected: String, found: String)
}

extension GGUFError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .cannotOpen(let path, let reason):
      "Cannot open the GGUF file \(path): \(reason)."
    case .badMagic(let found):
      "This is not a GGUF file: it starts with \(Self.hex(found)) instead of \"GGUF\" (47 47 55 46)."
    case .unsupportedVersion(let version):
      "GGUF version \(version) is not supported (only versions 2 and 3 are); convert the model with a current llama.cpp."
    case .bigEndian(let version):
      "This is a big-endian GGUF file (version \(version) byte-swapped); only little-endian files are supported."
    case .truncated(let what, let offset, let needed, let fileSize):
      "The GGUF file is truncated: \(what) at byte \(offset) needs \(needed) bytes but the file ends at byte \(fileSize). Download it again."
    case .countTooLarge(let what, let count, let offset, let bytesLeft, let minimumItemSize):
      "The GGUF file is corrupt: \(what) at byte \(offset) declares \(count) items of at least \(minimumItemSize) bytes, but only \(bytesLeft) bytes are left."
    case .invalidValueType(let key, let typeID, let offset):
      "The GGUF file is corrupt: metadata \"\(key)\" has value type \(typeID) at byte \(offset); valid types are 0…12."
    case .invalidBool(let key, let byte, let offset):
      "The GGUF file is corrupt: metadata \"\(key)\" has a boolean byte \(byte) at byte \(offset); it must be 0 or 1."
    case .invalidUTF8(let what, let offset):
      "The GGUF file is corrupt: \(what) at byte \(offset) is not valid UTF-8."
    case .arrayNestingTooDeep(let key, let limit):
      "The GGUF file is corrupt or hostile: metadata \"\(key)\" nests arrays deeper than \(limit) levels."
    case .duplicateKey(let key):
      "The GGUF file is corrupt: metadata key \"\(key)\" appears twice."
    case .invalidAlignment(let value):
      "The GGUF file is corrupt: general.alignment is \(value); it must be a power of two."
    case .duplicateTensor(let name):
      "The GGUF file is corrupt: tensor \"\(name)\" appears twice."
    case .tooManyDimensions(let tensor, let count):
      "The GGUF file is corrupt: tensor \"\(tensor)\" has \(count) dimensions; at most 4 are allowed."
    case .shapeOverflow(let tensor, let dimensions):
      "The GGUF file is corrupt: tensor \"\(tensor)\" has dimensions \(dimensions), whose size overflows a 64-bit integer."
    case .unknownTensorType(let tensor, let typeID):
      "Tensor \"\(tensor)\" has type id \(typeID), which is not a known ggml type; the file is corrupt or newer than this reader."
    case .partialBlock(let tensor, let type, let rowLength):
      "The GGUF file is corrupt: tensor \"\(tensor)\" of type \(type) has rows of \(rowLength) elements, not a multiple of the block size \(type.blockSize)."
    case .misalignedTensor(let tensor, let offset, let alignment):
      "The GGUF file is corrupt: tensor \"\(tensor)\" starts at data offset \(offset), not a multiple of the alignment \(alignment)."
    case .tensorOutOfBounds(let tensor, let start, let byteCount, let fileSize):
      "The GGUF file is truncated or corrupt: tensor \"\(tensor)\" needs \(byteCount) bytes from byte \(start) but the file has only \(fileSize) bytes."
    case .unsupportedType(let tensor, let type):
      "Tensor \"\(tensor)\" is stored as \(type), which this reader cannot decode (supported: F32, F16, BF16, Q4_0, Q4_1, Q8_0); use a model file quantized to one of those."
    case .noSuchTensor(let name):
      "The GGUF file has no tensor named \"\(name)\"."
    case .missingKey(let key):
      "The GGUF file has no metadata entry \"\(key)\"."
    case .wrongValueType(let key, let expected, let found):
      "GGUF metadata \"\(key)\" is \(found), expected \(expected)."
    }
  }

  private static func hex(_ bytes: [UInt8]) -> String {
    bytes.map { byte in
      let digits = String(byte, radix: 16, uppercase: true)
      return digits.count == 1 ? "0" + digits : digits
    }.joined(separator: " ")
  }
}
