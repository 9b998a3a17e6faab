import Foundation
import SlicerCodec
import SlicerModel
import SlicerTUI
import SlicerTestSupport

/// The tiny random OPT fixture (4 layers, d = 64, context 128), loaded once for all tests.
enum TinyModel {
  static let path = Fixtures.url("tiny-opt").path
  static let loaded: LoadedModel = {
    do {
      return try ModelLoader.load(path)
    } catch {
      fatalError("the tiny-opt fixture does not load: \(error)")
    }
  }()

  /// transformers' greedy continuation of `greedyPromptIDs` (reference.json, codec none).
  static let greedyPromptIDs = [2, 39899, 43710, 31119, 11213, 25444]
  static let greedyIDs = [3648, 3648, 1329, 27287, 3648, 3648, 3648, 3648, 3648, 3648]

  /// The prompt as text (without the BOS the loader adds back).
  static var greedyPrompt: String { loaded.tokenizer.decode(Array(greedyPromptIDs.dropFirst())) }

  static func configuration(
    codec: CodecSpecChoice = .slicer, split: Int? = nil, maxTokens: Int = 8,
    endpoint: TailEndpoint = .inProcess
  ) -> ChatConfiguration {
    ChatConfiguration(
      modelPath: path, split: split, codec: codec.spec, maxTokens: maxTokens, endpoint: endpoint)
  }

  static func driver(_ configuration: ChatConfiguration = configuration()) throws -> (
    ChatDriver, [String]
  ) {
    let (driver, notes) = try ChatDriver.start(
      configuration, connector: nil, loader: { _ in loaded })
    return (driver, notes)
  }
}

enum CodecSpecChoice {
  case slicer, none, int8
  var spec: CodecSpec {
    switch self {
    case .slicer: .slicer(budget: 1e-3)
    case .none: .none
    case .int8: .int8
    }
  }
}
