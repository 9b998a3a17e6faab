import Foundation
import SlicerCodec
import SlicerModel
import SlicerTensor
import Testing

@testable import SlicerServer

/// A batched decode step gives every session the token it gets alone.
@Suite struct BatchedTailTests {
  /// Sessions at different positions (prompts of different lengths), stepped alone and batched.
  func compare(_ model: any DecoderModel, split: Int, sessions count: Int, steps: Int) throws
    -> (alone: [[Int]], batched: [[Int]], maximumDifference: Float)
  {
    let d = model.info.hiddenSize
    var head = [SplitHead]()
    var alone = [SessionTail]()
    var together = [SessionTail]()
    var firstTokens = [Int]()
    for s in 0..<count {
      var h = try SplitHead(model: model, split: split)
      let prompt = (0..<(3 + s)).map { (s * 131 + $0 * 977 + 5) % model.info.vocabularySize }
      let rows = try h.forward(prompt)
      let a = SessionTail(model: model, split: split, sampling: .greedy)
      let b = SessionTail(model: model, split: split, sampling: .greedy)
      let first = a.prefill(rows, tokens: prompt, sample: true)!
      #expect(b.prefill(rows, tokens: prompt, sample: true) == first)
      head.append(h)
      alone.append(a)
      together.append(b)
      firstTokens.append(first.token)
    }
    var tokensAlone = firstTokens.map { [$0] }
    var tokensBatched = firstTokens.map { [$0] }
    var difference: Float = 0
    for _ in 0..<steps {
      var rows: [Matrix] = []
      for s in 0..<count { rows.append(try head[s].forward([tokensAlone[s].last!])) }
      let batched = BatchedTail.step(together, rows: rows)
      for s in 0..<count {
        let single = alone[s].step(rows[s])
        tokensAlone[s].append(single.token)
        tokensBatched[s].append(batched[s].token)
        difference = max(difference, abs(single.logProbability - batched[s].logProbability))
      }
      #expect(rows.allSatisfy { $0.columns == d })
    }
    return (tokensAlone, tokensBatched, difference)
  }

  @Test func batchedStepsPickTheSameTokensOnOPT() throws {
    let model = try TinyOPT.load().model
    for split in 1..<4 {
      let result = try compare(model, split: split, sessions: 5, steps: 12)
      #expect(result.batched == result.alone)
      #expect(result.maximumDifference < 1e-4)
    }
  }

  @Test(.enabled(if: SmolLM2.isPresent, "SmolLM2 not in Weights/"))
  func batchedStepsPickTheSameTokensOnLlama() throws {
    let model = try SmolLM2.load().model
    let result = try compare(model, split: 20, sessions: 3, steps: 4)
    #expect(result.batched == result.alone)
    #expect(result.maximumDifference < 1e-3)
  }

  @Test func theDefaultBatchedLayerRunsRowByRow() throws {
    // A model that is not a `BatchedDecoderModel` gets the loop: identical bits.
    let model = try TinyOPT.load().model
    let wrapped = Unbatched(base: model)
    let d = model.info.hiddenSize
    let rows = Matrix(rows: 2, columns: d, values: (0..<(2 * d)).map { Float($0 % 7) * 0.1 })
    var caches = [LayerCache(width: d), LayerCache(width: d)]
    let out = wrapped.batchedLayer(1, rows, caches: &caches)
    for r in 0..<2 {
      var cache = LayerCache(width: d)
      #expect(out.row(r) == model.layer(1, rows.rows(r..<(r + 1)), cache: &cache).values)
      #expect(caches[r].keys == cache.keys)
    }
  }
}

/// Hides `BatchedDecoderModel` from a model.
struct Unbatched: DecoderModel {
  let base: any DecoderModel
  var info: ModelInfo { base.info }
  func embed(_ tokens: [Int], startPosition: Int) -> Matrix {
    base.embed(tokens, startPosition: startPosition)
  }
  func layer(_ index: Int, _ hidden: Matrix, cache: inout LayerCache) -> Matrix {
    base.layer(index, hidden, cache: &cache)
  }
  func logits(_ hidden: Matrix) -> Matrix { base.logits(hidden) }
}
