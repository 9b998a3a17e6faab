import Foundation
import SlicerCheckpoint
import SlicerModel
import SlicerTensor
import SlicerTestSupport
import Testing

/// One of the tiny OPT checkpoints under `Tests/Fixtures/opt-variants`, each exercising a config
/// variant, with `reference.json` from the numpy OPTForCausalLM in `make_fixtures.py` (which
/// reproduces transformers' numbers for `tiny-opt`).
enum OPTVariant: String, CaseIterable, CustomTestStringConvertible, Sendable {
  /// opt-350m style: post-LN blocks, no final LayerNorm, 16-wide embeddings with project_in/out.
  case postLNProject = "post-ln-project"
  /// Pre-LN with `_remove_final_layer_norm`; the checkpoint has a stray final LayerNorm to ignore.
  case preLNNoFinalNorm = "pre-ln-no-final-norm"
  /// `enable_bias: false`, `layer_norm_elementwise_affine: false`.
  case noBiasNoAffine = "no-bias-no-affine"
  /// A separate `lm_head.weight` (`tie_word_embeddings: false`), stored as F16.
  case untiedHeadF16 = "untied-head-f16"

  var testDescription: String { rawValue }

  var directory: URL { Fixtures.url("opt-variants/\(rawValue)") }

  func config() throws -> OPTConfig {
    try JSONDecoder().decode(
      OPTConfig.self, from: Data(contentsOf: directory.appendingPathComponent("config.json")))
  }

  func weights() throws -> CheckpointWeights {
    CheckpointWeights(
      store: try SafetensorsFile(url: directory.appendingPathComponent("model.safetensors")))
  }

  func model() throws -> OPTModel {
    try OPTModel(config: config(), weights: weights(), name: rawValue)
  }

  func reference() throws -> Reference {
    let data = try Data(contentsOf: directory.appendingPathComponent("reference.json"))
    return try JSONDecoder().decode(Reference.self, from: data)
  }

  struct Reference: Decodable {
    var inputIDs: [Int]
    /// `[position][token]`.
    var logits: [[Double]]
    /// `[layer][position][feature]`: the residual stream entering each layer; the last entry is
    /// the last layer's output before the final LayerNorm and `project_out`.
    var hiddenStates: [[[Double]]]

    enum CodingKeys: String, CodingKey {
      case logits
      case inputIDs = "input_ids"
      case hiddenStates = "hidden_states"
    }
  }
}

/// A checkpoint with some tensors hidden, to show what the fixtures would catch.
private struct HidingWeights: WeightProvider {
  var base: CheckpointWeights
  var hidden: Set<String>
  func shape(of name: String) -> [Int]? { hidden.contains(name) ? nil : base.shape(of: name) }
  func floats(_ name: String) throws -> [Float] { try base.floats(name) }
}

/// Every OPT config variant against an independent reference, position by position.
@Suite struct OPTVariantTests {
  /// `|ours − theirs| ≤ 1e-4 · max(1, |theirs|)` everywhere; returns the offending entries.
  static func logitMismatches(_ logits: Matrix, _ expected: [[Double]]) -> [String] {
    guard logits.rows == expected.count else {
      return ["\(logits.rows) rows, expected \(expected.count)"]
    }
    var bad: [String] = []
    for position in 0..<logits.rows {
      let row = logits.row(position)
      guard row.count == expected[position].count else {
        return ["\(row.count) columns, expected \(expected[position].count)"]
      }
      for (token, (ours, theirs)) in zip(row, expected[position]).enumerated()
      where abs(Double(ours) - theirs) > 1e-4 * max(1, abs(theirs)) {
        bad.append("position \(position) token \(token): \(ours) vs \(theirs)")
      }
    }
    return bad
  }

  @Test func configsDecodeAsTheVariantsIntend() throws {
    let a = try OPTVariant.postLNProject.config()
    #expect(!a.doLayerNormBefore && !a.hasFinalLayerNorm)
    #expect(a.wordEmbedProjDim == 16 && a.hiddenSize == 32)
    let b = try OPTVariant.preLNNoFinalNorm.config()
    #expect(b.doLayerNormBefore && b.removeFinalLayerNorm && !b.hasFinalLayerNorm)
    let c = try OPTVariant.noBiasNoAffine.config()
    #expect(!c.enableBias && !c.layerNormElementwiseAffine && c.hasFinalLayerNorm)
    let d = try OPTVariant.untiedHeadF16.config()
    #expect(!d.tieWordEmbeddings && d.hasFinalLayerNorm)
    let store = try SafetensorsFile(
      url: OPTVariant.untiedHeadF16.directory.appendingPathComponent("model.safetensors"))
    #expect(store.tensors["lm_head.weight"]?.shape == [128, 32])
    #expect(store.tensors["lm_head.weight"]?.dtype == .f16)
  }

  @Test(arguments: OPTVariant.allCases)
  func logitsAtEveryPositionMatchTheReference(variant: OPTVariant) throws {
    let reference = try variant.reference()
    let model = try variant.model()
    var head = try SplitHead(model: model, split: model.info.layerCount)
    var tail = try SplitTail(model: model, split: model.info.layerCount)
    let logits = try tail.forward(try head.forward(reference.inputIDs))
    #expect(logits.columns == model.info.vocabularySize)
    let bad = Self.logitMismatches(logits, reference.logits)
    let mismatches = bad.count
    #expect(mismatches == 0, "first: \(bad.prefix(3))")
  }

  @Test(arguments: OPTVariant.allCases)
  func residualStreamEnteringEveryLayerMatches(variant: OPTVariant) throws {
    let reference = try variant.reference()
    let model = try variant.model()
    #expect(reference.hiddenStates.count == model.info.layerCount + 1)
    for layer in 0...model.info.layerCount {
      var head = try SplitHead(model: model, split: layer)
      let hidden = try head.forward(reference.inputIDs)
      let expected = reference.hiddenStates[layer]
      #expect(hidden.rows == expected.count && hidden.columns == model.info.hiddenSize)
      var errorSquares = 0.0
      var normSquares = 0.0
      for position in 0..<min(hidden.rows, expected.count) {
        #expect(expected[position].count == hidden.columns)
        for (ours, theirs) in zip(hidden.row(position), expected[position]) {
          errorSquares += (Double(ours) - theirs) * (Double(ours) - theirs)
          normSquares += theirs * theirs
        }
      }
      let relative = (errorSquares / normSquares).squareRoot()
      #expect(relative <= 1e-5, "layer \(layer): relative error \(relative)")
    }
  }

  /// Prompt first, then one token per step, at every split: the KV caches of head and tail give
  /// the same logits as the reference's single full-sequence pass.
  @Test(arguments: OPTVariant.allCases)
  func incrementalDecodingWithTheCacheMatchesTheFullSequence(variant: OPTVariant) throws {
    let reference = try variant.reference()
    let model = try variant.model()
    let promptLength = 5
    for split in 0...model.info.layerCount {
      var head = try SplitHead(model: model, split: split)
      var tail = try SplitTail(model: model, split: split)
      var rows: [[Float]] = []
      let prompt = Array(reference.inputIDs.prefix(promptLength))
      let prefill = try tail.forward(try head.forward(prompt))
      rows += (0..<prefill.rows).map { prefill.row($0) }
      for token in reference.inputIDs.dropFirst(promptLength) {
        let step = try tail.forward(try head.forward([token]))
        #expect(step.rows == 1)
        rows.append(step.row(0))
      }
      #expect(head.position == reference.inputIDs.count && tail.position == head.position)
      let bad = Self.logitMismatches(Matrix(stacking: rows), reference.logits)
      let mismatches = bad.count
      #expect(mismatches == 0, "split \(split), first: \(bad.prefix(3))")
    }
  }

  /// The fixtures discriminate: applying the stray final LayerNorm of `pre-ln-no-final-norm`, or
  /// tying the head of `untied-head-f16`, moves the logits far outside the tolerance.
  @Test func theWrongHeadOrFinalNormWouldFail() throws {
    var config = try OPTVariant.preLNNoFinalNorm.config()
    config.removeFinalLayerNorm = false
    let normed = try OPTModel(
      config: config, weights: OPTVariant.preLNNoFinalNorm.weights(), name: "wrong")
    var head = try SplitHead(model: normed, split: 1)
    var tail = try SplitTail(model: normed, split: 1)
    let inputs = try OPTVariant.preLNNoFinalNorm.reference()
    let normedLogits = try tail.forward(try head.forward(inputs.inputIDs))
    let normedMismatches = Self.logitMismatches(normedLogits, inputs.logits).count
    #expect(normedMismatches > 100)

    let untied = OPTVariant.untiedHeadF16
    let tied = try OPTModel(
      config: untied.config(),
      weights: HidingWeights(base: untied.weights(), hidden: ["lm_head.weight"]), name: "wrong")
    head = try SplitHead(model: tied, split: 1)
    tail = try SplitTail(model: tied, split: 1)
    let reference = try untied.reference()
    let tiedLogits = try tail.forward(try head.forward(reference.inputIDs))
    let tiedMismatches = Self.logitMismatches(tiedLogits, reference.logits).count
    #expect(tiedMismatches > 100)
  }
}
