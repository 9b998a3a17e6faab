import Foundation
import SlicerCheckpoint
import SlicerTensor
import SlicerTokenizer

/// A model ready to run: the network, its tokenizer and how it starts and ends text.
public struct LoadedModel: Sendable {
  public var model: any DecoderModel
  public var tokenizer: BPETokenizer
  /// Prepended to every text (OPT: `</s>` = 2); nil when the format adds none.
  public var bosToken: Int?
  /// Generation ends after one of these.
  public var stopTokens: Set<Int>
  /// How a chat model lays out a conversation; nil for plain language models.
  public var chatTemplate: ChatTemplate?
  /// Where it was loaded from.
  public var path: String

  public var info: ModelInfo { model.info }

  /// `text` as ids, with the model's BOS. Special tokens in `text` are plain text unless
  /// `allowSpecial` (a rendered chat template needs them).
  public func encode(_ text: String, allowSpecial: Bool = false) -> [Int] {
    tokenizer.encode(text, addingBOS: bosToken, allowSpecial: allowSpecial)
  }

  /// The ids a generation starts from: the chat template applied to one user turn for chat
  /// models, the plain text otherwise.
  public func promptIDs(_ text: String, system: String? = nil) -> [Int] {
    guard let chatTemplate else { return encode(text) }
    var messages = [ChatMessage(.user, text)]
    if let system { messages.insert(ChatMessage(.system, system), at: 0) }
    return encode(chatTemplate.render(messages), allowSpecial: true)
  }
}

/// Opens a model by what its path holds.
public enum ModelLoader {
  /// `path` is either a directory with `config.json`, weights (`model.safetensors` or
  /// `pytorch_model.bin`) and tokenizer files (`vocab.json`, `merges.txt`) — an OPT model as
  /// Hugging Face ships it — or a `.gguf` file, or a directory holding exactly one.
  public static func load(_ path: String) throws -> LoadedModel {
    let url = URL(fileURLWithPath: path)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw ModelLoadError.missingFile(directory: path, needed: "such file or directory")
    }
    if !isDirectory.boolValue {
      guard url.pathExtension.lowercased() == "gguf" else {
        throw ModelLoadError.invalidConfig(
          "\(path) is a file but not a .gguf; pass a .gguf or a model directory")
      }
      return try GGUFModelLoader.load(url)
    }
    if !FileManager.default.fileExists(atPath: url.appendingPathComponent("config.json").path) {
      let ggufs = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
        .filter { $0.lowercased().hasSuffix(".gguf") }.sorted()
      if let first = ggufs.first {
        return try GGUFModelLoader.load(url.appendingPathComponent(first))
      }
      throw ModelLoadError.missingFile(
        directory: path, needed: "config.json (or a .gguf file); is this a model directory?")
    }
    return try loadOPT(url)
  }

  static func loadOPT(_ url: URL) throws -> LoadedModel {
    let configURL = url.appendingPathComponent("config.json")
    let config: OPTConfig
    do {
      config = try JSONDecoder().decode(OPTConfig.self, from: Data(contentsOf: configURL))
    } catch {
      throw ModelLoadError.invalidConfig("\(configURL.path) is not a readable config.json (\(error))")
    }
    try config.validate()
    for needed in ["vocab.json", "merges.txt"]
    where !FileManager.default.fileExists(atPath: url.appendingPathComponent(needed).path) {
      throw ModelLoadError.missingFile(directory: url.path, needed: "\(needed) (the tokenizer)")
    }
    let tokenizer = try OPTTokenizer.load(directory: url)
    let store = try Checkpoints.open(directory: url)
    let model = try OPTModel(
      config: config, weights: CheckpointWeights(store: store), name: url.lastPathComponent)
    return LoadedModel(
      model: model, tokenizer: tokenizer, bosToken: config.bosTokenID,
      stopTokens: [config.eosTokenID], chatTemplate: nil, path: url.path)
  }
}

/// Any checkpoint reader as the model's weight source. Matrices stay in the stored precision
/// (fp16, bf16 or fp32), read in place from the checkpoint's mapping, which they keep alive.
public struct CheckpointWeights: WeightProvider {
  public let store: any TensorStore
  public init(store: any TensorStore) { self.store = store }
  public func shape(of name: String) -> [Int]? { store.tensors[name]?.shape }
  public func floats(_ name: String) throws -> [Float] { try store.floats(name) }

  public func matrix(_ name: String) throws -> WeightMatrix {
    guard let info = store.tensors[name] else {
      throw ModelLoadError.missingTensor(name: name, triedNames: [name])
    }
    let (rows, columns) = try Self.matrixShape(name, info.shape)
    let storage = WeightBytes(borrowing: try store.rawBytes(name), keepingAlive: store)
    do {
      return try WeightMatrix(
        format: WeightFormat(info.dtype), rows: rows, columns: columns, storage: storage)
    } catch {
      throw ModelLoadError.unreadableWeights(name: name, reason: error.description)
    }
  }
}
