import Foundation
import SlicerCheckpoint
import SlicerTensor
import SlicerTestSupport
import Testing

/// The tiny OPT fixture, stored twice: `model.safetensors` (keys `model.decoder.*`) and
/// `pytorch_model.bin` (keys `decoder.*`, as in facebook/opt-125m), both fp16.
@Suite struct FixtureTests {
  static let safetensorsURL = Fixtures.url("tiny-opt/model.safetensors")
  static let pytorchURL = Fixtures.url("tiny-opt/pytorch_model.bin")

  /// Sixteen tensors per decoder layer, four layers, and four outside them: 68 names.
  static func expectedShapes(prefix: String) -> [String: [Int]] {
    var shapes: [String: [Int]] = [
      "\(prefix)decoder.embed_tokens.weight": [50272, 64],
      "\(prefix)decoder.embed_positions.weight": [130, 64],
      "\(prefix)decoder.final_layer_norm.weight": [64],
      "\(prefix)decoder.final_layer_norm.bias": [64],
    ]
    for layer in 0..<4 {
      let base = "\(prefix)decoder.layers.\(layer)."
      for projection in ["q_proj", "k_proj", "v_proj", "out_proj"] {
        shapes[base + "self_attn.\(projection).weight"] = [64, 64]
        shapes[base + "self_attn.\(projection).bias"] = [64]
      }
      for norm in ["self_attn_layer_norm", "final_layer_norm"] {
        shapes[base + "\(norm).weight"] = [64]
        shapes[base + "\(norm).bias"] = [64]
      }
      shapes[base + "fc1.weight"] = [256, 64]
      shapes[base + "fc1.bias"] = [256]
      shapes[base + "fc2.weight"] = [64, 256]
      shapes[base + "fc2.bias"] = [64]
    }
    return shapes
  }

  static func check(_ store: any TensorStore, prefix: String) {
    let expected = expectedShapes(prefix: prefix)
    #expect(expected.count == 68)
    #expect(Set(store.tensors.keys) == Set(expected.keys))
    for (name, shape) in expected {
      #expect(store.tensors[name] == TensorInfo(name: name, dtype: .f16, shape: shape))
    }
    #expect(store.tensors["\(prefix)decoder.embed_tokens.weight"]?.count == 50272 * 64)
  }

  @Test func safetensorsHasModelPrefixedNamesShapesAndDTypes() throws {
    Self.check(try SafetensorsFile(url: Self.safetensorsURL), prefix: "model.")
  }

  @Test func pytorchBinHasBareDecoderNamesShapesAndDTypes() throws {
    Self.check(try PyTorchCheckpoint(url: Self.pytorchURL), prefix: "")
  }

  @Test func bothFilesHoldIdenticalValuesForEveryTensor() throws {
    let safetensors = try SafetensorsFile(url: Self.safetensorsURL)
    let pytorch = try PyTorchCheckpoint(url: Self.pytorchURL)
    #expect(safetensors.tensors.count == pytorch.tensors.count)
    for (name, info) in pytorch.tensors {
      let prefixed = "model." + name
      #expect(safetensors.tensors[prefixed]?.shape == info.shape)
      let fromBin = try pytorch.floats(name)
      let fromSafetensors = try safetensors.floats(prefixed)
      #expect(fromBin.count == info.count)
      #expect(fromBin == fromSafetensors, "\(name)")
      #expect(
        Array(try pytorch.rawBytes(name)) == Array(try safetensors.rawBytes(prefixed)), "\(name)")
    }
  }

  /// Values read independently with Python's struct module ('<e').
  @Test func knownValues() throws {
    let store = try PyTorchCheckpoint(url: Self.pytorchURL)
    let embed = try store.floats("decoder.embed_tokens.weight")
    #expect(
      Array(embed.prefix(4)) == [
        0.1651611328125, 0.05450439453125, -0.35205078125, 0.054962158203125,
      ])
    #expect(Array(embed.suffix(2)) == [0.07672119140625, -0.04974365234375])
    #expect(
      Array(try store.floats("decoder.final_layer_norm.bias").prefix(4))
        == [0.048095703125, 0.0299835205078125, 0.038665771484375, 0.1337890625])
    #expect(
      Array(try store.floats("decoder.layers.3.fc2.weight").prefix(4))
        == [-0.0748291015625, 0.004482269287109375, -0.25439453125, -0.061370849609375])
    #expect(
      Array(try store.floats("decoder.embed_positions.weight").prefix(4))
        == [-0.1851806640625, 0.064453125, -0.056304931640625, -0.007091522216796875])
    // The stored fp16 bits of embed_tokens[0][0], 0x3149.
    #expect(Array(try store.rawBytes("decoder.embed_tokens.weight").prefix(2)) == [0x49, 0x31])
  }

  @Test func storedNameAcceptsEitherPrefix() throws {
    let safetensors = try SafetensorsFile(url: Self.safetensorsURL)
    let pytorch = try PyTorchCheckpoint(url: Self.pytorchURL)
    #expect(
      safetensors.storedName(for: "decoder.layers.0.fc1.bias") == "model.decoder.layers.0.fc1.bias")
    #expect(
      safetensors.storedName(for: "model.decoder.layers.0.fc1.bias")
        == "model.decoder.layers.0.fc1.bias")
    #expect(
      pytorch.storedName(for: "model.decoder.layers.0.fc1.bias") == "decoder.layers.0.fc1.bias")
    #expect(pytorch.storedName(for: "decoder.layers.0.fc1.bias") == "decoder.layers.0.fc1.bias")
    #expect(pytorch.storedName(for: "lm_head.weight") == nil)
  }

  @Test func unknownTensorNameThrows() throws {
    let store = try PyTorchCheckpoint(url: Self.pytorchURL)
    #expect(throws: CheckpointError.tensorNotFound(file: Self.pytorchURL, tensor: "lm_head.weight"))
    {
      try store.floats("lm_head.weight")
    }
    #expect(throws: CheckpointError.tensorNotFound(file: Self.pytorchURL, tensor: "lm_head.weight"))
    {
      try store.rawBytes("lm_head.weight")
    }
  }

  @Test func checkpointsOpenPrefersSafetensorsThenFallsBackToPyTorch() throws {
    let both = try Checkpoints.open(directory: Fixtures.url("tiny-opt"))
    #expect(both is SafetensorsFile)
    try withTemporaryDirectory { directory in
      #expect(
        throws: CheckpointError.noCheckpointInDirectory(
          directory, lookedFor: ["model.safetensors", "pytorch_model.bin"])
      ) {
        try Checkpoints.open(directory: directory)
      }
      try FileManager.default.copyItem(
        at: Self.pytorchURL, to: directory.appendingPathComponent("pytorch_model.bin"))
      let store = try Checkpoints.open(directory: directory)
      #expect(store is PyTorchCheckpoint)
      #expect(store.tensors.count == 68)
    }
  }
}
