import Foundation
import SlicerCheckpoint
import SlicerModel
import SlicerTestSupport

/// `Tests/Fixtures/tiny-opt/reference.json`, computed by transformers' OPTForCausalLM.
struct TinyOPTReference: Decodable {
  var inputIDs: [Int]
  var nextTokenNLL: [Double]
  var argmaxNext: [Int]
  var logitsFirst5AtLastPosition: [Double]
  /// `[layer][position][feature]`: the residual stream entering each layer; the last entry is the
  /// last layer's output before the final LayerNorm.
  var hiddenStates: [[[Double]]]
  var greedy: Greedy

  struct Greedy: Decodable {
    var promptIDs: [Int]
    var generatedIDs: [Int]
    enum CodingKeys: String, CodingKey {
      case promptIDs = "prompt_ids"
      case generatedIDs = "generated_ids"
    }
  }

  enum CodingKeys: String, CodingKey {
    case greedy
    case inputIDs = "input_ids"
    case nextTokenNLL = "next_token_nll"
    case argmaxNext = "argmax_next"
    case logitsFirst5AtLastPosition = "logits_first5_at_last_position"
    case hiddenStates = "hidden_states"
  }

  static func load() throws -> TinyOPTReference {
    let data = try Data(contentsOf: Fixtures.url("tiny-opt/reference.json"))
    return try JSONDecoder().decode(TinyOPTReference.self, from: data)
  }
}

enum TinyOPT {
  static let directory = Fixtures.url("tiny-opt")

  static func config() throws -> OPTConfig {
    try JSONDecoder().decode(
      OPTConfig.self, from: Data(contentsOf: directory.appendingPathComponent("config.json")))
  }

  /// The tiny model from one of its two checkpoint files.
  static func model(file: String) throws -> OPTModel {
    let url = directory.appendingPathComponent(file)
    let store: any TensorStore =
      file.hasSuffix(".safetensors")
      ? try SafetensorsFile(url: url) : try PyTorchCheckpoint(url: url)
    return try OPTModel(config: config(), weights: CheckpointWeights(store: store), name: "tiny-opt")
  }
}
