import Foundation
import SlicerCheckpoint
import SlicerTensor
import SlicerTokenizer

/// Builds a Llama-family model, its tokenizer and chat template from one GGUF file.
enum GGUFModelLoader {
  static func load(_ url: URL) throws -> LoadedModel {
    let file = try GGUFFile(url: url)
    let architecture = try file.string("general.architecture")
    guard architecture == "llama" else {
      throw ModelLoadError.unsupportedModelType("\(architecture) (in \(url.lastPathComponent))")
    }
    let tokens = try file.stringArray("tokenizer.ggml.tokens")
    let a = "llama."
    func optionalInt(_ key: String) throws -> Int? {
      file.metadata[key] == nil ? nil : try file.int(key)
    }
    let config = LlamaConfig(
      hiddenSize: try file.int(a + "embedding_length"),
      layerCount: try file.int(a + "block_count"),
      headCount: try file.int(a + "attention.head_count"),
      kvHeadCount: try optionalInt(a + "attention.head_count_kv") ?? file.int(a + "attention.head_count"),
      ffnSize: try file.int(a + "feed_forward_length"),
      vocabSize: tokens.count,
      contextLength: try file.int(a + "context_length"),
      rmsEpsilon: try file.float(a + "attention.layer_norm_rms_epsilon"),
      ropeBase: file.metadata[a + "rope.freq_base"] == nil ? 10_000 : try file.float(a + "rope.freq_base"),
      ropeDimensions: try optionalInt(a + "rope.dimension_count"))
    let model = try LlamaModel(
      config: config, weights: try GGUFWeights(file: file, url: url),
      name: (try? file.string("general.name")) ?? url.deletingPathExtension().lastPathComponent)

    let tokenizer = try makeTokenizer(file, tokens: tokens)
    let bos = try optionalInt("tokenizer.ggml.bos_token_id")
    let eos = try optionalInt("tokenizer.ggml.eos_token_id")
    let addsBOS = file.metadata["tokenizer.ggml.add_bos_token"]?.boolValue ?? false
    let template = (try? file.string("tokenizer.chat_template")).flatMap { text in
      text.contains("<|im_start|>") ? ChatTemplate.smolLM2 : nil
    }
    return LoadedModel(
      model: model, tokenizer: tokenizer, bosToken: addsBOS ? bos : nil,
      stopTokens: Set([eos].compactMap { $0 }), chatTemplate: template, path: url.path)
  }

  /// GPT-2-style byte-level BPE from `tokenizer.ggml.*`; control tokens (type 3) are special.
  static func makeTokenizer(_ file: GGUFFile, tokens: [String]) throws -> BPETokenizer {
    let model = try file.string("tokenizer.ggml.model")
    guard model == "gpt2" else {
      throw ModelLoadError.invalidConfig("tokenizer.ggml.model '\(model)' (only gpt2-style BPE is supported)")
    }
    let merges = try file.stringArray("tokenizer.ggml.merges")
    let types = file.metadata["tokenizer.ggml.token_type"] == nil ? [] : try file.intArray("tokenizer.ggml.token_type")
    var special: [String: Int] = [:]
    for (id, type) in types.enumerated() where type == 3 && id < tokens.count {
      special[tokens[id]] = id
    }
    let pre = (try? file.string("tokenizer.ggml.pre")) ?? "gpt2"
    return try BPETokenizer(
      tokens: tokens, merges: merges, preTokenizer: pre == "smollm" ? .smollm : .gpt2,
      specialTokens: special)
  }
}

/// A GGUF file as the model's weight source. Matrices stay in their stored blocks (Q8_0, Q4_0,
/// Q4_1, F16, BF16, F32), read in place from a mapping of the file that they keep alive; vectors
/// (norm weights) are decoded to fp32.
///
/// The matrices borrow from a mapping of their own (`weights`) rather than the `GGUFFile`'s, so
/// the parsed file — its metadata (the vocabulary, merges …) and the header pages it touched —
/// is released once the model is built.
struct GGUFWeights: WeightProvider {
  let file: GGUFFile
  let weights: MappedFile

  init(file: GGUFFile, url: URL) throws {
    self.file = file
    weights = try MappedFile(url: url)
    // A second open of the same path: make sure it is still the file that was parsed.
    guard weights.count == file.fileSize else {
      throw ModelLoadError.unreadableWeights(
        name: url.path,
        reason: "the file changed while it was being loaded (\(file.fileSize) bytes, now \(weights.count))")
    }
  }

  func shape(of name: String) -> [Int]? { file.tensors[name]?.shape }
  func floats(_ name: String) throws -> [Float] { try file.floats(name) }

  func matrix(_ name: String) throws -> WeightMatrix {
    let info = try file.tensor(name)
    let (rows, columns) = try Self.matrixShape(name, info.shape)
    guard let format = WeightFormat(info.type) else {
      throw ModelLoadError.unreadableWeights(
        name: name, reason: "its \(info.type) blocks have no kernel (supported: \(WeightFormat.allCases))")
    }
    // The parser checked the range against the file, and the mapping has the file's size.
    let range = info.offset..<(info.offset + info.byteCount)
    guard range.lowerBound >= 0, range.upperBound <= weights.count else {
      throw ModelLoadError.unreadableWeights(name: name, reason: "its data lies outside the file")
    }
    let storage = WeightBytes(
      borrowing: UnsafeRawBufferPointer(rebasing: weights.bytes[range]), keepingAlive: weights)
    do {
      return try WeightMatrix(format: format, rows: rows, columns: columns, storage: storage)
    } catch {
      throw ModelLoadError.unreadableWeights(name: name, reason: error.description)
    }
  }
}
