import Foundation
import SlicerCheckpoint
import SlicerTokenizer

/// A model ready to run: the network, its tokenizer and how it starts and ends text.
public struct LoadedModel: Sendable {
  public var model: any DecoderModel
  public var tokenizer: BPETokenizer
  /// Prepended to every text (OPT: `</s>` = 2).
  public var bosToken: Int?
  /// Generation ends after one of these.
  public var stopTokens: Set<Int>
  /// Where it was loaded from.
  public var path: String

  public var info: ModelInfo { model.info }

  /// `text` as ids, with the model's BOS.
  public func encode(_ text: String) -> [Int] {
    (bosToken.map { [$0] } ?? []) + tokenizer.encode(text)
  }
}

/// Opens a model directory (or file) by what it holds.
public enum ModelLoader {
  /// `path` is a directory with `config.json`, weights (`model.safetensors` or
  /// `pytorch_model.bin`) and tokenizer files (`vocab.json`, `merges.txt`).
  public static func load(_ path: String) throws -> LoadedModel {
    let url = URL(fileURLWithPath: path)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw ModelLoadError.missingFile(directory: path, needed: "such file or directory")
    }
    guard isDirectory.boolValue else {
      throw ModelLoadError.invalidConfig("\(path) is a file; pass the model's directory")
    }
    let configURL = url.appendingPathComponent("config.json")
    guard FileManager.default.fileExists(atPath: configURL.path) else {
      throw ModelLoadError.missingFile(directory: path, needed: "config.json")
    }
    let data = try Data(contentsOf: configURL)
    let config: OPTConfig
    do {
      config = try JSONDecoder().decode(OPTConfig.self, from: data)
    } catch {
      throw ModelLoadError.invalidConfig("\(configURL.path) is not a valid config: \(error)")
    }
    try config.validate()
    for needed in ["vocab.json", "merges.txt"]
    where !FileManager.default.fileExists(atPath: url.appendingPathComponent(needed).path) {
      throw ModelLoadError.missingFile(directory: path, needed: "\(needed) (the tokenizer)")
    }
    let tokenizer = try BPETokenizer(
      vocabJSON: url.appendingPathComponent("vocab.json"),
      mergesTXT: url.appendingPathComponent("merges.txt"))
    let store = try Checkpoints.open(directory: url)
    let model = try OPTModel(
      config: config, weights: StoreWeights(store: store), name: url.lastPathComponent)
    return LoadedModel(
      model: model, tokenizer: tokenizer, bosToken: config.bosTokenID,
      stopTokens: [config.eosTokenID], path: path)
  }
}

/// Any checkpoint reader as the model's weight source.
struct StoreWeights: WeightProvider {
  let store: any TensorStore
  func shape(of name: String) -> [Int]? { store.tensors[name]?.shape }
  func floats(_ name: String) throws -> [Float] { try store.floats(name) }
}
