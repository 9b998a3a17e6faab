import Foundation
import SlicerModel
import SlicerTensor
import Testing

/// Head(s) then tail(s) is the unsplit model, bit for bit, at every split.
@Suite struct SplitEquivalenceTests {
  @Test func everySplitGivesTheUnsplitLogitsInPrefillAndDecode() throws {
    let model = try TinyOPT.model(file: "model.safetensors")
    let prompt = [2, 39899, 43710, 31119, 11213, 25444]
    let steps = [3648, 1329, 27287]
    let layers = model.info.layerCount

    func run(split: Int) throws -> [Matrix] {
      var head = try SplitHead(model: model, split: split)
      var tail = try SplitTail(model: model, split: split)
      var outputs = [try tail.forward(try head.forward(prompt))]
      for token in steps { outputs.append(try tail.forward(try head.forward([token]))) }
      return outputs
    }
    let unsplit = try run(split: layers)
    for split in 0..<layers {
      #expect(try run(split: split) == unsplit, "split \(split)")
    }
  }

  @Test func incrementalDecodingWithTheCacheMatchesOneLongPrefill() throws {
    let model = try TinyOPT.model(file: "model.safetensors")
    let tokens = [2, 39899, 43710, 31119, 11213, 25444, 3648, 1329]
    var full = try SplitHead(model: model, split: 2)
    var fullTail = try SplitTail(model: model, split: 2)
    let whole = try fullTail.forward(try full.forward(tokens))
    var head = try SplitHead(model: model, split: 2)
    var tail = try SplitTail(model: model, split: 2)
    var rows = try tail.forward(try head.forward(Array(tokens.prefix(3)))).values
    for token in tokens.dropFirst(3) {
      rows += try tail.forward(try head.forward([token])).values
    }
    for (a, b) in zip(rows, whole.values) {
      #expect(abs(a - b) <= 1e-4 * max(1, abs(b)))
    }
  }

  @Test func splitOutsideTheModelIsAnError() throws {
    let model = try TinyOPT.model(file: "model.safetensors")
    #expect(throws: SplitError.splitOutOfRange(split: 5, layerCount: 4)) {
      _ = try SplitHead(model: model, split: 5)
    }
    #expect(throws: SplitError.splitOutOfRange(split: -1, layerCount: 4)) {
      _ = try SplitTail(model: model, split: -1)
    }
  }

  @Test func generationStopsAtTheContextLimit() throws {
    let model = try TinyOPT.model(file: "model.safetensors")
    var generator = try Generator(model: model, split: 1, sampling: .greedy)
    let limit = model.info.contextLength
    var count = 0
    let reason = try generator.generate(prompt: Array(repeating: 5, count: limit - 3), maxTokens: 50, stopTokens: []) { _ in
      count += 1
      return true
    }
    #expect(reason == .contextFull)
    #expect(count == 4)  // positions limit-3 … limit-1 are filled; the 4th token is chosen at the last one
    #expect(throws: GenerationError.promptTooLong(tokens: limit + 1, limit: limit)) {
      var g = try Generator(model: model, split: 1, sampling: .greedy)
      _ = try g.generate(prompt: Array(repeating: 5, count: limit + 1), maxTokens: 1, stopTokens: []) { _ in true }
    }
  }
}
