/// Where a model's weights come from: a checkpoint file of any format, by tensor name.
public protocol WeightProvider {
  /// The stored shape of `name` (PyTorch order, outermost first), or nil when absent.
  func shape(of name: String) -> [Int]?
  /// The tensor converted to fp32, row-major.
  func floats(_ name: String) throws -> [Float]
}

/// A weight the model needs that the checkpoint lacks or stores with the wrong shape.
public enum ModelLoadError: Error, CustomStringConvertible, Equatable {
  case missingTensor(name: String, triedNames: [String])
  case shapeMismatch(name: String, expected: [Int], found: [Int])
  case invalidConfig(String)
  case unsupportedModelType(String)
  case missingFile(directory: String, needed: String)

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
    }
  }
}

extension WeightProvider {
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
