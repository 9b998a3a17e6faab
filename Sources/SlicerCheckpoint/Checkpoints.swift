import Foundation

/// Opens whichever checkpoint a model directory holds.
public enum Checkpoints {
  /// The file names looked for, in order of preference.
  public static let fileNames = ["model.safetensors", "pytorch_model.bin"]

  /// Opens `directory/model.safetensors` if present, else `directory/pytorch_model.bin`.
  /// - Throws: `noCheckpointInDirectory` when neither exists, or the reader's error.
  public static func open(directory: URL) throws(CheckpointError) -> any TensorStore {
    let safetensors = directory.appendingPathComponent(fileNames[0])
    if FileManager.default.fileExists(atPath: safetensors.path) {
      return try SafetensorsFile(url: safetensors)
    }
    let pytorch = directory.appendingPathComponent(fileNames[1])
    if FileManager.default.fileExists(atPath: pytorch.path) {
      return try PyTorchCheckpoint(url: pytorch)
    }
    throw .noCheckpointInDirectory(directory, lookedFor: fileNames)
  }
}
