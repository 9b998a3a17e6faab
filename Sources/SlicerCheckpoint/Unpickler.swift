import Foundation

/// A pickle interpreter for the subset `torch.save` writes for a state dict.
///
/// It is a stack machine (see `PickleOpcode`): values are pushed, containers are built from the
/// items above a MARK, and REDUCE applies a callable to an argument tuple. Only the globals in
/// `PickleGlobal` exist here, so "calling" means building an empty dict or describing a tensor;
/// nothing from the file is ever executed.
struct Unpickler {
  /// The object tree after STOP: `root` and the containers it refers to.
  struct Result {
    let root: PickleValue
    let arena: [[PickleValue]]

    /// The items of a tuple or list, or nil for anything else.
    func items(of value: PickleValue) -> [PickleValue]? {
      switch value {
      case .tuple(let id), .list(let id): arena[id]
      default: nil
      }
    }

    /// The (key, value) pairs of a dict in insertion order, or nil for anything else.
    func pairs(of value: PickleValue) -> [(key: PickleValue, value: PickleValue)]? {
      guard case .dict(let id) = value else { return nil }
      let flat = arena[id]
      return stride(from: 0, to: flat.count - 1, by: 2).map { (flat[$0], flat[$0 + 1]) }
    }
  }

  private var cursor: ByteCursor
  private var stack: [PickleValue] = []
  /// Stack heights at each MARK.
  private var marks: [Int] = []
  private var memo: [Int: PickleValue] = [:]
  /// Container contents by id; dicts hold keys and values alternately.
  private var arena: [[PickleValue]] = []
  /// Offset of the opcode being executed, for error messages.
  private var opcodeOffset = 0

  /// Runs the pickle in `bytes` (the contents of `data.pkl`) to its STOP.
  static func load(_ bytes: UnsafeRawBufferPointer, file: URL) throws(CheckpointError) -> Result {
    var machine = Unpickler(cursor: ByteCursor(bytes, file: file, region: "data.pkl"))
    return try machine.run()
  }

  private init(cursor: ByteCursor) { self.cursor = cursor }

  private mutating func run() throws(CheckpointError) -> Result {
    while !cursor.isAtEnd {
      opcodeOffset = cursor.offset
      let byte = try cursor.u8()
      guard let opcode = PickleOpcode(rawValue: byte) else {
        throw .unknownPickleOpcode(file: cursor.file, opcode: byte, offset: opcodeOffset)
      }
      if opcode == .stop {
        return Result(root: try pop(), arena: arena)
      }
      try execute(opcode)
    }
    opcodeOffset = cursor.offset
    throw fail("the data ends without a STOP opcode")
  }

  private mutating func execute(_ opcode: PickleOpcode) throws(CheckpointError) {
    switch opcode {
    case .proto:
      let version = try cursor.u8()
      guard (2...5).contains(version) else { throw fail("unsupported protocol \(version)") }
    case .frame:
      _ = try cursor.u64()
    case .stop:
      break  // handled by run()

    case .mark:
      marks.append(stack.count)
    case .emptyTuple:
      stack.append(newContainer(.tuple, []))
    case .emptyList:
      stack.append(newContainer(.list, []))
    case .emptyDict:
      stack.append(newContainer(.dict, []))
    case .tuple:
      stack.append(newContainer(.tuple, try popToMark()))
    case .tuple1, .tuple2, .tuple3:
      let count = Int(opcode.rawValue - PickleOpcode.tuple1.rawValue) + 1
      guard stack.count >= count + (marks.last ?? 0) else { throw fail("stack underflow") }
      let items = Array(stack.suffix(count))
      stack.removeLast(count)
      stack.append(newContainer(.tuple, items))
    case .list:
      stack.append(newContainer(.list, try popToMark()))
    case .append:
      let item = try pop()
      try extend(.list, with: [item])
    case .appends:
      try extend(.list, with: try popToMark())
    case .dict:
      let items = try popToMark()
      guard items.count % 2 == 0 else { throw fail("DICT with an odd number of items") }
      stack.append(newContainer(.dict, items))
    case .setItem:
      let value = try pop()
      let key = try pop()
      try extend(.dict, with: [key, value])
    case .setItems:
      let items = try popToMark()
      guard items.count % 2 == 0 else { throw fail("SETITEMS with an odd number of items") }
      try extend(.dict, with: items)

    case .none:
      stack.append(.none)
    case .newTrue:
      stack.append(.bool(true))
    case .newFalse:
      stack.append(.bool(false))
    case .binInt:
      stack.append(.int(Int(Int32(bitPattern: try cursor.u32()))))
    case .binInt1:
      stack.append(.int(Int(try cursor.u8())))
    case .binInt2:
      stack.append(.int(Int(try cursor.u16())))
    case .long1:
      stack.append(.int(try long(byteCount: Int(try cursor.u8()))))
    case .binFloat:
      stack.append(.float(Double(bitPattern: UInt64(bigEndian: try cursor.u64().littleEndian))))
    case .binUnicode:
      stack.append(.string(try string(byteCount: UInt64(try cursor.u32()))))
    case .shortBinUnicode:
      stack.append(.string(try string(byteCount: UInt64(try cursor.u8()))))
    case .binUnicode8:
      stack.append(.string(try string(byteCount: try cursor.u64())))

    case .binPut:
      memo[Int(try cursor.u8())] = try top()
    case .longBinPut:
      memo[Int(try cursor.u32())] = try top()
    case .memoize:
      memo[memo.count] = try top()
    case .binGet:
      stack.append(try recall(Int(try cursor.u8())))
    case .longBinGet:
      stack.append(try recall(Int(try cursor.u32())))

    case .global:
      let module = try line()
      let name = try line()
      stack.append(.global(try whitelisted(module: module, name: name)))
    case .stackGlobal:
      let name = try pop()
      let module = try pop()
      guard case .string(let moduleName) = module, case .string(let globalName) = name else {
        throw fail("STACK_GLOBAL needs two strings, found \(module.kind) and \(name.kind)")
      }
      stack.append(.global(try whitelisted(module: moduleName, name: globalName)))
    case .reduce:
      let arguments = try pop()
      let callable = try pop()
      stack.append(try reduce(callable, arguments))
    case .build:
      // BUILD sets an object's state (`__setstate__` / `__dict__`). torch uses it for a state
      // dict's `_metadata` attribute, which we do not need; the object itself is unchanged.
      let state = try pop()
      let object = try top()
      switch object {
      case .dict, .tensor: break
      default: throw fail("BUILD on a \(object.kind) with a \(state.kind) state")
      }
    case .binPersId:
      stack.append(try persistentLoad(try pop()))
    }
  }

  // MARK: Stack

  private func fail(_ reason: String) -> CheckpointError {
    .malformedPickle(file: cursor.file, offset: opcodeOffset, reason: reason)
  }

  private func top() throws(CheckpointError) -> PickleValue {
    guard let value = stack.last, stack.count > (marks.last ?? 0) else {
      throw fail("stack underflow")
    }
    return value
  }

  private mutating func pop() throws(CheckpointError) -> PickleValue {
    let value = try top()
    stack.removeLast()
    return value
  }

  private mutating func popToMark() throws(CheckpointError) -> [PickleValue] {
    guard let mark = marks.popLast() else { throw fail("no MARK to pop to") }
    let items = Array(stack[mark...])
    stack.removeSubrange(mark...)
    return items
  }

  private func recall(_ index: Int) throws(CheckpointError) -> PickleValue {
    guard let value = memo[index] else { throw fail("memo slot \(index) is empty") }
    return value
  }

  // MARK: Containers

  private enum ContainerKind { case tuple, list, dict }

  private mutating func newContainer(_ kind: ContainerKind, _ items: [PickleValue]) -> PickleValue {
    arena.append(items)
    let id = arena.count - 1
    switch kind {
    case .tuple: return .tuple(id)
    case .list: return .list(id)
    case .dict: return .dict(id)
    }
  }

  /// Appends to the list or dict on top of the stack, in place.
  private mutating func extend(
    _ kind: ContainerKind, with items: [PickleValue]
  ) throws(CheckpointError) {
    let target = try top()
    switch (kind, target) {
    case (.list, .list(let id)), (.dict, .dict(let id)):
      arena[id].append(contentsOf: items)
    default:
      throw fail("cannot add items to a \(target.kind)")
    }
  }

  // MARK: Arguments

  private mutating func long(byteCount: Int) throws(CheckpointError) -> Int {
    guard byteCount <= 8 else { throw fail("integer of \(byteCount) bytes is too large") }
    let bytes = try cursor.take(byteCount)
    guard let last = bytes.last else { return 0 }
    // Little-endian two's complement: fill the unused high bytes with the sign.
    var bits: UInt64 = last & 0x80 != 0 ? .max : 0
    for (index, byte) in bytes.enumerated() {
      let shift = UInt64(8 * index)
      bits = (bits & ~(0xFF << shift)) | (UInt64(byte) << shift)
    }
    return Int(Int64(bitPattern: bits))
  }

  private mutating func string(byteCount: UInt64) throws(CheckpointError) -> String {
    guard let count = Int(exactly: byteCount), count <= cursor.remaining else {
      throw fail("a string of \(byteCount) bytes runs past the end")
    }
    let bytes = try cursor.take(count)
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw fail("a string is not valid UTF-8")
    }
    return text
  }

  /// A newline-terminated ASCII line (GLOBAL's arguments).
  private mutating func line() throws(CheckpointError) -> String {
    let start = cursor.offset
    while try cursor.u8() != 0x0A {}
    let bytes = UnsafeRawBufferPointer(rebasing: cursor.bytes[start..<cursor.offset - 1])
    return String(decoding: bytes, as: UTF8.self)
  }

  private func whitelisted(module: String, name: String) throws(CheckpointError) -> PickleGlobal {
    guard let global = PickleGlobal(module: module, name: name) else {
      throw .forbiddenPickleGlobal(
        file: cursor.file, module: module, name: name, offset: opcodeOffset)
    }
    return global
  }

  // MARK: Calls

  private mutating func reduce(
    _ callable: PickleValue, _ arguments: PickleValue
  ) throws(CheckpointError) -> PickleValue {
    guard case .global(let global) = callable else {
      throw fail("REDUCE on a \(callable.kind), which is not callable")
    }
    guard case .tuple(let id) = arguments else {
      throw fail("REDUCE arguments are a \(arguments.kind), not a tuple")
    }
    let args = arena[id]
    switch global {
    case .orderedDict:
      guard args.isEmpty else { throw fail("OrderedDict called with \(args.count) arguments") }
      return newContainer(.dict, [])
    case .rebuildTensorV2:
      return .tensor(try rebuildTensor(args))
    case .rebuildParameter:
      guard (3...4).contains(args.count), case .tensor(let tensor) = args[0] else {
        throw fail("_rebuild_parameter needs (tensor, requires_grad, hooks)")
      }
      return .tensor(tensor)
    case .storageType:
      throw fail("\(global.module).\(global.name) is a storage type, not a callable")
    }
  }

  /// `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks
  /// [, metadata])`; only the first four matter for reading.
  private func rebuildTensor(_ args: [PickleValue]) throws(CheckpointError) -> TorchTensor {
    guard (6...7).contains(args.count) else {
      throw fail("_rebuild_tensor_v2 called with \(args.count) arguments instead of 6 or 7")
    }
    guard case .storage(let storage) = args[0], case .int(let offset) = args[1],
      let shape = integers(args[2]), let stride = integers(args[3])
    else {
      throw fail(
        "_rebuild_tensor_v2 needs (storage, int, ints, ints, ...), found "
          + "(\(args[0].kind), \(args[1].kind), \(args[2].kind), \(args[3].kind), ...)")
    }
    guard shape.count == stride.count else {
      throw fail("a tensor has \(shape.count) sizes but \(stride.count) strides")
    }
    return TorchTensor(storage: storage, offset: offset, shape: shape, stride: stride)
  }

  private func integers(_ value: PickleValue) -> [Int]? {
    guard case .tuple(let id) = value else { return nil }
    var result: [Int] = []
    for item in arena[id] {
      guard case .int(let number) = item else { return nil }
      result.append(number)
    }
    return result
  }

  /// Resolves a persistent id `('storage', storage_type, key, location, numel)`.
  private func persistentLoad(_ id: PickleValue) throws(CheckpointError) -> PickleValue {
    guard case .tuple(let tupleID) = id else {
      throw fail("a persistent id is a \(id.kind), not a tuple")
    }
    let fields = arena[tupleID]
    guard fields.count == 5, case .string("storage") = fields[0],
      case .global(.storageType(let dtype)) = fields[1], case .string(let key) = fields[2],
      case .int(let count) = fields[4], count >= 0
    else {
      throw fail("a persistent id is not ('storage', storage type, key, location, numel)")
    }
    return .storage(TorchStorage(key: key, dtype: dtype, elementCount: count))
  }
}
