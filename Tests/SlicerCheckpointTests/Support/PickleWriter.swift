/// Writes pickle bytes opcode by opcode, to build `data.pkl` files by hand in tests.
struct PickleWriter {
  var bytes: [UInt8] = [0x80, 2]  // PROTO 2

  mutating func op(_ opcode: UInt8) { bytes.append(opcode) }

  static let mark: UInt8 = 0x28
  static let tuple: UInt8 = 0x74
  static let emptyTuple: UInt8 = 0x29
  static let emptyDict: UInt8 = 0x7D
  static let setItems: UInt8 = 0x75
  static let reduce: UInt8 = 0x52
  static let binPersId: UInt8 = 0x51
  static let newFalse: UInt8 = 0x89
  static let stop: UInt8 = 0x2E

  /// BINUNICODE.
  mutating func string(_ text: String) {
    let utf8 = Array(text.utf8)
    op(0x58)
    bytes.appendLittleEndian(UInt32(utf8.count))
    bytes += utf8
  }

  /// BININT.
  mutating func int(_ value: Int32) {
    op(0x4A)
    bytes.appendLittleEndian(value)
  }

  /// GLOBAL "module\nname\n".
  mutating func global(_ module: String, _ name: String) {
    op(0x63)
    bytes += Array("\(module)\n\(name)\n".utf8)
  }

  mutating func intTuple(_ values: [Int]) {
    op(Self.mark)
    for value in values { int(Int32(value)) }
    op(Self.tuple)
  }

  /// `_rebuild_tensor_v2(('storage', <type>, key, 'cpu', numel), offset, shape, stride, False,
  /// OrderedDict())`, exactly as torch writes it (without memoization).
  mutating func tensor(
    storageType: String, key: String, numel: Int, offset: Int, shape: [Int], stride: [Int]
  ) {
    global("torch._utils", "_rebuild_tensor_v2")
    op(Self.mark)
    op(Self.mark)
    string("storage")
    global("torch", storageType)
    string(key)
    string("cpu")
    int(Int32(numel))
    op(Self.tuple)
    op(Self.binPersId)
    int(Int32(offset))
    intTuple(shape)
    intTuple(stride)
    op(Self.newFalse)
    global("collections", "OrderedDict")
    op(Self.emptyTuple)
    op(Self.reduce)
    op(Self.tuple)
    op(Self.reduce)
  }

  struct TensorSpec {
    var name: String
    var storageType = "FloatStorage"
    var key: String
    var numel: Int
    var offset = 0
    var shape: [Int]
    var stride: [Int]
  }

  /// A whole state dict `{name: tensor, ...}` followed by STOP.
  static func stateDict(_ tensors: [TensorSpec]) -> [UInt8] {
    var writer = PickleWriter()
    writer.op(emptyDict)
    writer.op(mark)
    for spec in tensors {
      writer.string(spec.name)
      writer.tensor(
        storageType: spec.storageType, key: spec.key, numel: spec.numel, offset: spec.offset,
        shape: spec.shape, stride: spec.stride)
    }
    writer.op(setItems)
    writer.op(stop)
    return writer.bytes
  }
}

/// Little-endian bytes of fp32 values.
func float32Bytes(_ values: [Float]) -> [UInt8] {
  var out: [UInt8] = []
  for value in values { out.appendLittleEndian(value.bitPattern) }
  return out
}
