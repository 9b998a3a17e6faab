import SlicerTensor

/// A value on the unpickler's stack — only the kinds a torch state dict is made of.
///
/// Containers live in the unpickler's arena and are referred to by index: pickle containers
/// are shared and mutable (APPENDS and SETITEMS change a memoized object in place), and a flat
/// arena gives that sharing without reference cycles or deeply recursive teardown, however the
/// input is nested.
enum PickleValue: Equatable {
  case none
  case bool(Bool)
  case int(Int)
  case float(Double)
  case string(String)
  case tuple(Int)
  case list(Int)
  case dict(Int)
  /// A whitelisted global: a callable for REDUCE or a storage type for a persistent id.
  case global(PickleGlobal)
  /// The storage a persistent id names.
  case storage(TorchStorage)
  /// The result of `torch._utils._rebuild_tensor_v2`.
  case tensor(TorchTensor)

  /// Short type name for error messages.
  var kind: String {
    switch self {
    case .none: "None"
    case .bool: "bool"
    case .int: "int"
    case .float: "float"
    case .string: "str"
    case .tuple: "tuple"
    case .list: "list"
    case .dict: "dict"
    case .global(let global): "global \(global.module).\(global.name)"
    case .storage: "storage"
    case .tensor: "tensor"
    }
  }
}

/// The only globals a state dict may name. Everything else is refused before it is used, so no
/// file can make us "call" anything but these.
enum PickleGlobal: Equatable {
  /// `collections.OrderedDict`, called with no arguments: an empty dict.
  case orderedDict
  /// `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks
  /// [, metadata])`.
  case rebuildTensorV2
  /// `torch._utils._rebuild_parameter(tensor, requires_grad, hooks)`: a tensor wrapped as a
  /// parameter; we keep the tensor.
  case rebuildParameter
  /// `torch.HalfStorage`, `torch.FloatStorage`, `torch.BFloat16Storage`.
  case storageType(DType)

  init?(module: String, name: String) {
    switch (module, name) {
    case ("collections", "OrderedDict"): self = .orderedDict
    case ("torch._utils", "_rebuild_tensor_v2"): self = .rebuildTensorV2
    case ("torch._utils", "_rebuild_parameter"): self = .rebuildParameter
    case ("torch", "HalfStorage"): self = .storageType(.f16)
    case ("torch", "FloatStorage"): self = .storageType(.f32)
    case ("torch", "BFloat16Storage"): self = .storageType(.bf16)
    default: return nil
    }
  }

  var module: String {
    switch self {
    case .orderedDict: "collections"
    case .rebuildTensorV2, .rebuildParameter: "torch._utils"
    case .storageType: "torch"
    }
  }

  var name: String {
    switch self {
    case .orderedDict: "OrderedDict"
    case .rebuildTensorV2: "_rebuild_tensor_v2"
    case .rebuildParameter: "_rebuild_parameter"
    case .storageType(.f16): "HalfStorage"
    case .storageType(.f32): "FloatStorage"
    case .storageType(.bf16): "BFloat16Storage"
    }
  }
}

/// A storage named by a persistent id `('storage', type, key, location, numel)`: its bytes are
/// the archive entry `<archive>/data/<key>`, `elementCount × dtype.size` of them.
struct TorchStorage: Equatable {
  let key: String
  let dtype: DType
  let elementCount: Int
}

/// A tensor as `_rebuild_tensor_v2` describes it: a view of `storage` starting at element
/// `offset` with the given `shape` and `stride` (both in elements). Not yet checked.
struct TorchTensor: Equatable {
  let storage: TorchStorage
  let offset: Int
  let shape: [Int]
  let stride: [Int]
}
