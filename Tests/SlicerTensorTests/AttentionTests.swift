import Foundation
import Testing

@testable import SlicerTensor

/// `Attention.causal` against a direct Double evaluation of softmax(scale·q·kᵀ)·v with the
/// causal mask and grouped-query heads.
@Suite struct AttentionTests {
  @Test(arguments: [(1, 0, false), (1, 9, false), (5, 0, false), (4, 6, false), (4, 6, true)])
  func matchesTheDefinition(n: Int, past: Int, portable: Bool) {
    let (heads, kvHeads, headDim) = (6, 2, 12)
    var random = TestRandom(seed: UInt64(17 + n * 31 + past))
    let total = past + n
    let queries = Matrix(
      rows: n, columns: heads * headDim,
      values: (0..<n * heads * headDim).map { _ in random.uniform() * 2 })
    let keys = (0..<total * kvHeads * headDim).map { _ in random.uniform() * 2 }
    let values = (0..<total * kvHeads * headDim).map { _ in random.uniform() }
    let scale: Float = 0.3
    let out = keys.withUnsafeBufferPointer { k in
      values.withUnsafeBufferPointer { v in
        Attention.causal(
          queries: queries, keys: k.baseAddress!, values: v.baseAddress!, past: past,
          heads: heads, kvHeads: kvHeads, headDim: headDim, scale: scale, portable: portable)
      }
    }
    #expect(out.rows == n && out.columns == heads * headDim)
    for i in 0..<n {
      for h in 0..<heads {
        let kvh = h / (heads / kvHeads)
        let visible = past + i + 1
        let scores = (0..<visible).map { j in
          (0..<headDim).reduce(0.0) { sum, c in
            sum + Double(queries.values[i * heads * headDim + h * headDim + c])
              * Double(keys[j * kvHeads * headDim + kvh * headDim + c])
          } * Double(scale)
        }
        let maximum = scores.max()!
        let weights = scores.map { exp($0 - maximum) }
        let total = weights.reduce(0, +)
        for c in 0..<headDim {
          var expected = 0.0
          for j in 0..<visible {
            expected += weights[j] / total * Double(values[j * kvHeads * headDim + kvh * headDim + c])
          }
          let got = Double(out.values[i * heads * headDim + h * headDim + c])
          #expect(abs(got - expected) <= 1e-5, "row \(i) head \(h) column \(c): \(got) vs \(expected)")
        }
      }
    }
  }
}
