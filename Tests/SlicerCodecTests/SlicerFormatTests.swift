import Testing

@testable import SlicerCodec

@Suite struct SlicerFormatTests {
  /// Label order over a stream's top `kept` ranks (largest first): the outliers take the top
  /// ranks, smallest label first from rank o − 1 up; the equal groups follow, group 0 (the
  /// smallest magnitudes) ending at rank `kept`, each next group ending where the previous
  /// began, with the sizes `groupSize` gives. Together the labels cover 0..<kept once.
  @Test func labelRanksTileTheKeptRanksInLabelOrder() {
    for kept in 1...40 {
      for o in 0...min(SlicerFormat.maxOutliers, kept) {
        let rest = kept - o
        for g in (rest > 0 ? 1 : 0)...min(SlicerFormat.maxGroups, rest) {
          let ranks = (0..<(g + o)).map {
            SlicerFormat.ranks(ofLabel: $0, kept: kept, groups: g, outliers: o)
          }
          var end = kept
          for j in 0..<g {
            #expect(ranks[j].upperBound == end, "group \(j) of \(g), kept \(kept), o \(o)")
            #expect(ranks[j].count == SlicerFormat.groupSize(j, kept: rest, groups: g))
            end = ranks[j].lowerBound
          }
          #expect(end == o)
          for i in 0..<o { #expect(ranks[g + i] == (o - 1 - i)..<(o - i)) }
          #expect(ranks.map(\.count).reduce(0, +) == kept)
        }
      }
    }
  }
}
