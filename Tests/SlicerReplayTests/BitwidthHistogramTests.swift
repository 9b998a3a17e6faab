import SlicerCodec
import SlicerReplay
import Testing

struct BitwidthHistogramTests {
  func stats(mode: String, valueBits: Int = 0, groups: [GroupStats] = []) -> StepStats {
    StepStats(
      totalBits: 0, headerBits: 0, positionBits: 0, scaleBits: 0, valueBits: valueBits,
      paddingBits: 0, kPositive: 0, kNegative: 0, groups: groups, distortion: 0,
      encodeNanoseconds: 0, mode: mode)
  }

  @Test func eachModeCountsItsEntries() {
    var histogram = BitwidthHistogram()
    histogram.add(stats(mode: "int8", valueBits: 512), dimension: 64)
    histogram.add(stats(mode: "fp16"), dimension: 64)
    histogram.add(stats(mode: "bf16"), dimension: 64)
    histogram.add(stats(mode: "none"), dimension: 64)
    histogram.add(stats(mode: "fp32"), dimension: 64)
    histogram.add(stats(mode: "zero"), dimension: 64)
    // topk:0.25:4 at d = 64 keeps 16 entries: 64 value bits.
    histogram.add(stats(mode: "topk:0.25:4", valueBits: 64), dimension: 64)
    histogram.add(stats(mode: "future-codec"), dimension: 64)
    #expect(histogram.counts == [8: 64, 16: 128, 32: 128, 4: 16])
    #expect(histogram.dropped == 64 + 48)
    #expect(histogram.unknown == 64)
    #expect(
      histogram.description == "dropped 112, 4-bit 16, 8-bit 64, 16-bit 128, 32-bit 128, unknown 64"
    )
  }

  @Test func slicerGroupsGiveEachKeptEntryItsWidth() {
    var histogram = BitwidthHistogram()
    histogram.add(SyntheticReplay.sparse, dimension: 8)
    histogram.add(SyntheticReplay.sparse, dimension: 8)
    #expect(histogram.counts == [2: 4, 4: 2, 1: 4])
    #expect(histogram.dropped == 6)
    var merged = BitwidthHistogram()
    merged.merge(histogram)
    merged.merge(histogram)
    #expect(merged.description == "dropped 12, 1-bit 8, 2-bit 8, 4-bit 4")
    #expect(BitwidthHistogram().description == "none")
  }
}
