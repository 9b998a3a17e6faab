import ArgumentParser
import Foundation
import SlicerModel

/// `--model` and `--split`, shared by every command that runs a model.
struct ModelOptions: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "Model directory (config.json + weights + tokenizer) or .gguf file.",
      discussion: "Default: Weights/opt-125m, else Weights/smollm2-135m-instruct."))
  var model: String?

  @Option(
    name: .long,
    help: "Split layer S: the client runs layers 0..<S, the tail the rest (default: half the depth).")
  var split: Int?

  /// The models tried, in order, when `--model` is absent.
  static let defaultModels = ["Weights/opt-125m", "Weights/smollm2-135m-instruct"]

  func load() throws -> LoadedModel {
    guard let path = model ?? Self.defaultModels.first(where: FileManager.default.fileExists) else {
      throw CLIError(
        "no model found in Weights/: pass --model DIR, or get one with "
          + "`slicer fetch opt-125m` (needs internet) or `slicer fetch smollm2-135m`")
    }
    do {
      return try ModelLoader.load(path)
    } catch {
      throw CLIError("cannot load model '\(path)': \(error)")
    }
  }

  /// The split to run, validated against the model.
  func resolvedSplit(for info: ModelInfo) throws -> Int {
    let s = split ?? info.layerCount / 2
    guard (0...info.layerCount).contains(s) else {
      throw CLIError(
        "--split \(s) is outside 0…\(info.layerCount) (\(info.name) has \(info.layerCount) layers)")
    }
    return s
  }
}

/// A failure the user can act on; printed as `Error: message` with exit code 1.
struct CLIError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
