import Foundation
import SlicerModel
import SlicerTensor
import Testing

/// The tiny OPT against transformers' own numbers, from both checkpoint formats.
@Suite struct OPTReferenceTests {
  static let files = ["model.safetensors", "pytorch_model.bin"]

  @Test(arguments: files)
  func nextTokenNLLAndArgmaxMatchTransformers(file: String) throws {
    let reference = try TinyOPTReference.load()
    let model = try TinyOPT.model(file: file)
    var head = try SplitHead(model: model, split: model.info.layerCount)
    var tail = try SplitTail(model: model, split: model.info.layerCount)
    let logits = try tail.forward(try head.forward(reference.inputIDs))
    let nll = PerplexityEvaluator.negativeLogLikelihoods(logits: logits, targets: reference.inputIDs)
    #expect(nll.count == reference.nextTokenNLL.count)
    for (ours, theirs) in zip(nll, reference.nextTokenNLL) {
      #expect(abs(ours - theirs) <= 1e-3, "NLL \(ours) vs \(theirs)")
    }
    let argmax = (0..<logits.rows).map { Sampler.argmax(logits.row($0)) }
    #expect(argmax == reference.argmaxNext)
    let last = logits.row(logits.rows - 1)
    for (ours, theirs) in zip(last.prefix(5), reference.logitsFirst5AtLastPosition) {
      #expect(abs(Double(ours) - theirs) <= 1e-3)
    }
  }

  @Test(arguments: files)
  func residualStreamEnteringEveryLayerMatches(file: String) throws {
    let reference = try TinyOPTReference.load()
    let model = try TinyOPT.model(file: file)
    for layer in 0...model.info.layerCount {
      var head = try SplitHead(model: model, split: layer)
      let hidden = try head.forward(reference.inputIDs)
      let expected = reference.hiddenStates[layer]
      var errorSquares = 0.0
      var normSquares = 0.0
      for position in 0..<hidden.rows {
        for (ours, theirs) in zip(hidden.row(position), expected[position]) {
          errorSquares += (Double(ours) - theirs) * (Double(ours) - theirs)
          normSquares += theirs * theirs
        }
      }
      let relative = (errorSquares / normSquares).squareRoot()
      #expect(relative <= 1e-4, "layer \(layer): relative error \(relative)")
    }
  }

  @Test(arguments: files)
  func greedyContinuationMatches(file: String) throws {
    let reference = try TinyOPTReference.load()
    let model = try TinyOPT.model(file: file)
    var generator = try Generator(model: model, split: 2, sampling: .greedy)
    var tokens: [Int] = []
    let reason = try generator.generate(
      prompt: reference.greedy.promptIDs, maxTokens: reference.greedy.generatedIDs.count,
      stopTokens: []
    ) { step in
      tokens.append(step.token)
      return true
    }
    #expect(tokens == reference.greedy.generatedIDs)
    #expect(reason == .maxTokens)
  }
}
