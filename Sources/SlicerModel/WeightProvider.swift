import SlicerTensor

/// Where a model's weights come from: a checkpoint file of any format, by tensor name.
public protocol WeightProvider {
  /// The stored shape of `name` (PyTorch order, outermost first), or nil when absent.
  func shape(of name: String) -> [Int]?
  /// The tensor converted to fp32, row-major.
  func floats(_ name: String) throws -> [Float]
  /// The tensor as a `(shape[0], rest)` matrix in the precision it is stored in, for the
  /// kernels to read in place. The default converts `floats(name)` to an fp32 matrix; sources
  /// that hold fp16, bf16 or quantized blocks return those instead.
  func matrix(_ name: String) throws -> WeightMatrix
}

/// A weight the model needs that the checkpoint lacks or stores with the wrong shape.
public enum ModelLoadError: Error, CustomStringConvertible, Equatable {
  case missingTensor(name: String, triedNames: [String])
  case shapeMismatch(name: String, expected: [Int], found: [Int])
  case invalidConfig(String)
  case unsupportedModelType(String)
  case missingFile(directory: String, needed: String)
  case unreadableWeights(name: String, reason: String)

  public var description: String {
    switch self {
    case .missingTensor(let name, let tried):
      return "the checkpoint has no tensor '\(name)' (looked for \(tried.joined(separator: ", ")))"
    case .shapeMismatch(let name, let expected, let found):
      return "tensor '\(name)' has shape \(found), but the config implies \(expected)"
    case .invalidConfig(let why):
      return "invalid model config: \(why)"
    case .unsupportedModelType(let type):
      return "unsupported model_type '\(type)' (supported: opt, llama via GGUF)"
    case .missingFile(let directory, let needed):
      return "\(directory) has no \(needed)"
    case .unreadableWeights(let name, let reason):
      return "tensor '\(name)' cannot be used as a weight matrix: \(reason)"
    }
  }
}

extension WeightProvider {
  public func matrix(_ name: String) throws -> WeightMatrix {
    guard let shape = shape(of: name) else {
      throw ModelLoadError.missingTensor(name: name, triedNames: [name])
    }
    let (rows, columns) = try Self.matrixShape(name, shape)
    return WeightMatrix(floats: try floats(name), rows: rows, columns: columns)
  }

  /// `shape` read as `(rows, columns)`: the outermost dimension by the product of the others.
  static func matrixShape(_ name: String, _ shape: [Int]) throws -> (rows: Int, columns: Int) {
    guard let rows = shape.first, shape.allSatisfy({ $0 >= 0 }) else {
      throw ModelLoadError.unreadableWeights(name: name, reason: "its shape \(shape) is not a matrix")
    }
    var columns = 1
    for dimension in shape.dropFirst() {
      let (product, overflow) = columns.multipliedReportingOverflow(by: dimension)
      guard !overflow else {
        throw ModelLoadError.unreadableWeights(name: name, reason: "its shape \(shape) overflows")
      }
      columns = product
    }
    return (rows, columns)
  }

  /// Loads `name` as a matrix under the first of `prefixes` that exists, checking its shape.
  func loadMatrix(_ name: String, prefixes: [String], shape expected: [Int]) throws -> WeightMatrix {
    guard let found = optionalMatrix(name, prefixes: prefixes, shape: expected) else {
      throw ModelLoadError.missingTensor(name: name, triedNames: prefixes.map { $0 + name })
    }
    return try found()
  }

  /// Like `loadMatrix`, but nil when no prefix has the tensor.
  func optionalMatrix(_ name: String, prefixes: [String], shape expected: [Int])
    -> (() throws -> WeightMatrix)?
  {
    for prefix in prefixes {
      let full = prefix + name
      if let shape = shape(of: full) {
        return {
          guard shape == expected else {
            throw ModelLoadError.shapeMismatch(name: full, expected: expected, found: shape)
          }
          return try matrix(full)
        }
      }
    }
    return nil
  }

  /// Loads `name` under the first of `prefixes` that exists, checking its shape.
  func load(_ name: String, prefixes: [String], shape expected: [Int]) throws -> [Float] {
    guard let found = optional(name, prefixes: prefixes, shape: expected) else {
      throw ModelLoadError.missingTensor(name: name, triedNames: prefixes.map { $0 + name })
    }
    return try found()
  }

  /// Like `load`, but nil when no prefix has the tensor (an optional weight, e.g. a bias).
  func optional(_ name: String, prefixes: [String], shape expected: [Int]) -> (() throws -> [Float])? {
    for prefix in prefixes {
      let full = prefix + name
      if let shape = shape(of: full) {
        return {
          guard shape == expected else {
            throw ModelLoadError.shapeMismatch(name: full, expected: expected, found: shape)
          }
          return try floats(full)
        }
      }
    }
    return nil
  }
}
