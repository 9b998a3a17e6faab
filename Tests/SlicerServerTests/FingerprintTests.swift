import Foundation
import SlicerModel
import SlicerServer
import SlicerTestSupport
import SlicerWire
import Testing

@Suite struct FingerprintTests {
  @Test func sameCheckpointSameFingerprintOtherWeightsAnother() throws {
    let tiny = try TinyOPT.load().model
    let again = try ModelLoader.load(Fixtures.url("tiny-opt").path).model
    #expect(ModelFingerprint(model: tiny) == ModelFingerprint(model: again))
    #expect(ModelFingerprint(model: tiny).description == "f2f4c7db1262d3a95ddac7d21338e33a")

    let config = try JSONDecoder().decode(
      OPTConfig.self, from: Data(contentsOf: Fixtures.url("tiny-opt/config.json")))
    let random = try OPTModel(
      config: config, weights: RandomWeights(shapes: config.tensorShapes), name: "tiny-opt")
    let reseeded = try OPTModel(
      config: config, weights: RandomWeights(shapes: config.tensorShapes, seed: 2), name: "tiny-opt"
    )
    let fingerprints = Set([tiny, random, reseeded].map { ModelFingerprint(model: $0) })
    #expect(fingerprints.count == 3)
  }
}
