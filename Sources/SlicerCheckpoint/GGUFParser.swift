import SlicerTensor

/// Parses and validates the header, metadata and tensor infos of a GGUF file (versions 2 and 3,
/// little-endian), without touching tensor data.
///
/// ```
/// offset 0   "GGUF"                      4 bytes magic
///        4   version: u32                2 or 3
///        8   tensor_count: u64
///       16   metadata_kv_count: u64
///       24   metadata_kv_count × { key: string, value_type: u32, value }
///            tensor_count × { name: string, n_dims: u32, ne: n_dims × u64, type: u32, offset: u64 }
///            zero padding up to a multiple of `general.alignment` (default 32)
///            data section: tensor `offset`s are relative to here, each a multiple of the alignment
/// string = u64 byte count + UTF-8 bytes;  array value = element type: u32, count: u64, elements
/// ```
/// Every count is bounded by the bytes left in the file before anything is allocated for it, every
/// shape is overflow-checked, and every tensor's bytes must lie inside the file.
struct GGUFParser {
  /// What a parse yields.
  struct Layout {
    var version: UInt32
    var alignment: Int
    var dataOffset: Int
    var metadata: [String: GGUFValue]
    var metadataKeys: [String]
    var tensors: [String: GGUFTensorInfo]
    var tensorNames: [String]
  }

  static let magic: [UInt8] = Array("GGUF".utf8)
  static let defaultAlignment = 32
  /// ggml's GGML_MAX_DIMS.
  static let maximumDimensions: UInt32 = 4
  /// Smallest possible metadata entry: empty key (8), value type (4), one-byte value (1).
  static let minimumKeyValueSize = 13
  /// Smallest possible tensor info: empty name (8), n_dims (4), type (4), offset (8).
  static let minimumTensorInfoSize = 24

  static func parse(_ bytes: UnsafeRawBufferPointer) throws(GGUFError) -> Layout {
    var cursor = GGUFCursor(bytes)

    try cursor.require(4, for: "the magic")
    let magic = Array(bytes[0..<4])
    guard magic == Self.magic else { throw .badMagic(found: magic) }
    try cursor.skip(4, "the magic")

    let version = try cursor.read(UInt32.self, "the version")
    guard version == 2 || version == 3 else {
      let swapped = version.byteSwapped
      if swapped == 2 || swapped == 3 { throw .bigEndian(version: swapped) }
      throw .unsupportedVersion(version)
    }

    let tensorCountOffset = cursor.offset
    let declaredTensors = try cursor.read(UInt64.self, "the tensor count")
    let keyValueCountOffset = cursor.offset
    let declaredKeyValues = try cursor.read(UInt64.self, "the metadata count")
    let keyValueCount = try cursor.bounded(
      declaredKeyValues, itemSize: minimumKeyValueSize, at: keyValueCountOffset,
      what: "the metadata count")

    var metadata: [String: GGUFValue] = [:]
    var metadataKeys: [String] = []
    metadata.reserveCapacity(keyValueCount)
    metadataKeys.reserveCapacity(keyValueCount)
    for index in 0..<keyValueCount {
      let key = try cursor.readString("metadata key #\(index)")
      let type = try cursor.readValueType(key: key)
      let value = try cursor.readValue(type, key: key)
      guard metadata.updateValue(value, forKey: key) == nil else { throw .duplicateKey(key) }
      metadataKeys.append(key)
    }

    let alignment = try Self.alignment(in: metadata)

    // The tensor count is bounded only now, by what is left after the metadata.
    let tensorCount = try cursor.bounded(
      declaredTensors, itemSize: minimumTensorInfoSize, at: tensorCountOffset,
      what: "the tensor count")
    var pending:
      [(
        name: String, type: GGMLType, dimensions: [Int], elements: Int, bytes: Int, relative: UInt64
      )] = []
    pending.reserveCapacity(tensorCount)
    var seen = Set<String>()
    for index in 0..<tensorCount {
      let name = try cursor.readString("the name of tensor #\(index)")
      guard seen.insert(name).inserted else { throw .duplicateTensor(name) }
      let dimensionCount = try cursor.read(UInt32.self, "the dimension count of \"\(name)\"")
      guard dimensionCount <= maximumDimensions else {
        throw .tooManyDimensions(tensor: name, count: dimensionCount)
      }
      var raw: [UInt64] = []
      for _ in 0..<dimensionCount {
        raw.append(try cursor.read(UInt64.self, "a dimension of \"\(name)\""))
      }
      let typeID = try cursor.read(UInt32.self, "the type of \"\(name)\"")
      let relative = try cursor.read(UInt64.self, "the data offset of \"\(name)\"")

      guard let type = GGMLType(rawValue: typeID) else {
        throw .unknownTensorType(tensor: name, typeID: typeID)
      }
      let (dimensions, elements) = try Self.shape(raw, tensor: name)
      let rowLength = dimensions.first ?? 1
      guard rowLength % type.blockSize == 0 else {
        throw .partialBlock(tensor: name, type: type, rowLength: rowLength)
      }
      guard let byteCount = type.byteCount(elements: elements) else {
        throw .shapeOverflow(tensor: name, dimensions: raw)
      }
      guard relative % UInt64(alignment) == 0 else {
        throw .misalignedTensor(tensor: name, offset: relative, alignment: alignment)
      }
      pending.append((name, type, dimensions, elements, byteCount, relative))
    }

    // The data section starts at the next multiple of the alignment after the tensor infos.
    let headerEnd = cursor.offset
    let dataOffset = headerEnd + (alignment - headerEnd % alignment) % alignment

    var tensors: [String: GGUFTensorInfo] = [:]
    tensors.reserveCapacity(pending.count)
    for t in pending {
      let (start, overflow) = UInt64(dataOffset).addingReportingOverflow(t.relative)
      guard !overflow, start <= UInt64(bytes.count), t.bytes <= bytes.count - Int(start) else {
        throw .tensorOutOfBounds(
          tensor: t.name, start: overflow ? .max : start, byteCount: t.bytes, fileSize: bytes.count)
      }
      tensors[t.name] = GGUFTensorInfo(
        name: t.name, type: t.type, dimensions: t.dimensions, elementCount: t.elements,
        byteCount: t.bytes, offset: Int(start))
    }

    return Layout(
      version: version, alignment: alignment, dataOffset: dataOffset, metadata: metadata,
      metadataKeys: metadataKeys, tensors: tensors, tensorNames: pending.map(\.name))
  }

  /// `general.alignment` (an integer power of two), or 32 when absent.
  private static func alignment(in metadata: [String: GGUFValue]) throws(GGUFError) -> Int {
    guard let value = metadata["general.alignment"] else { return defaultAlignment }
    // An upper bound keeps the padding arithmetic far from overflow; real files use 32 or 64.
    guard let alignment = value.intValue, alignment > 0, alignment.nonzeroBitCount == 1,
      alignment <= 1 << 30
    else {
      throw .invalidAlignment("\(value)")
    }
    return alignment
  }

  /// Converts ggml dimensions to `Int`s and their product, checking for overflow.
  private static func shape(_ raw: [UInt64], tensor: String) throws(GGUFError) -> ([Int], Int) {
    var dimensions: [Int] = []
    var product = 1
    for d in raw {
      guard let n = Int(exactly: d) else { throw .shapeOverflow(tensor: tensor, dimensions: raw) }
      let (next, overflow) = product.multipliedReportingOverflow(by: n)
      guard !overflow else { throw .shapeOverflow(tensor: tensor, dimensions: raw) }
      dimensions.append(n)
      product = next
    }
    return (dimensions, product)
  }
}
