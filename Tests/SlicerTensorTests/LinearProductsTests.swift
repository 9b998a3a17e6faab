import Testing

@testable import SlicerTensor

/// `Linear.products` runs several layers with a shared input in one call on the kernel pool;
/// each result must be the exact bits of that layer called alone.
@Suite struct LinearProductsTests {
  @Test func everyLayerGetsTheBitsItGetsAlone() throws {
    var random = TestRandom(seed: 23)
    let columns = 96
    // Mixed formats (integer and fp32 paths in one group), rows that are not whole row groups
    // or chunks, biases on some, an empty layer.
    let specs: [(WeightFormat, Int, Bool)] = [
      (.q4_1, 130, false), (.q8_0, 45, true), (.f16, 7, true), (.q4_0, 67, false),
      (.f32, 0, false), (.bf16, 33, true),
    ]
    let layers = try specs.map { format, rows, hasBias in
      Linear(
        weight: try TestWeights.make(format, rows: rows, columns: columns, random: &random),
        bias: hasBias ? (0..<rows).map { _ in random.uniform() } : nil)
    }
    // With the process-wide choice of activations (other tests run alongside: not changed here);
    // the fp16/bf16/fp32 layers take the fp32 path either way.
    do {
      for n in [1, 3] {
        let x = Matrix(
          rows: n, columns: columns, values: (0..<n * columns).map { _ in random.uniform() })
        let together = Linear.products(layers, x)
        #expect(together.count == layers.count)
        for (layer, product) in zip(layers, together) {
          #expect(product == layer(x), "\(layer.weight.format) n=\(n)")
        }
        // More layers than one call on the pool takes.
        let many = Linear.products(Array(repeating: layers[1], count: 11), x)
        #expect(many.allSatisfy { $0 == layers[1](x) })
      }
    }
  }
}
