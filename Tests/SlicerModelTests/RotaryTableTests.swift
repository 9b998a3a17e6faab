import Testing

@testable import SlicerModel

@Suite struct RotaryTableTests {
  func angles(_ table: RotaryTable, at position: Int) -> (cos: [Float], sin: [Float]) {
    var cosines = [Float](repeating: .nan, count: table.pairs)
    var sines = cosines
    cosines.withUnsafeMutableBufferPointer { c in
      sines.withUnsafeMutableBufferPointer { s in
        table.angles(at: position, cos: c.baseAddress!, sin: s.baseAddress!)
      }
    }
    return (cosines, sines)
  }

  @Test func valuesOfLlamaAngles() {
    // θᵢ = 10000^(−2i/64); expected values are fp32 roundings of cos/sin computed in Double.
    let table = RotaryTable(base: 10_000, dimensions: 64, contextLength: 8192, cachedPositions: 16)
    #expect(table.pairs == 32)
    #expect(table.cachedPositions == 16)
    let zero = angles(table, at: 0)
    #expect(zero.cos == [Float](repeating: 1, count: 32))
    #expect(zero.sin == [Float](repeating: 0, count: 32))
    let one = angles(table, at: 1)
    #expect(one.cos[0] == 0.5403023 && one.sin[0] == 0.84147096)
    #expect(one.cos[1] == 0.7317609786987305 && one.sin[1] == 0.6815613508224487)
    let far = angles(table, at: 5000)  // computed, not tabulated
    #expect(far.cos[3] == -0.8898196220397949 && far.sin[3] == -0.4563124179840088)
  }

  @Test func computedPositionsEqualTabulatedOnes() {
    let small = RotaryTable(base: 10_000, dimensions: 64, contextLength: 300, cachedPositions: 4)
    let full = RotaryTable(base: 10_000, dimensions: 64, contextLength: 300, cachedPositions: 300)
    #expect(small.cachedPositions == 4 && full.cachedPositions == 300)
    for position in [0, 3, 4, 5, 77, 299] {
      let a = angles(small, at: position)
      let b = angles(full, at: position)
      #expect(a.cos.map(\.bitPattern) == b.cos.map(\.bitPattern), "cos at \(position)")
      #expect(a.sin.map(\.bitPattern) == b.sin.map(\.bitPattern), "sin at \(position)")
    }
  }

  @Test func tableNeverExceedsTheContext() {
    #expect(RotaryTable(base: 10_000, dimensions: 8, contextLength: 10).cachedPositions == 10)
    #expect(
      RotaryTable(base: 10_000, dimensions: 8, contextLength: 1 << 24).cachedPositions
        == RotaryTable.defaultCachedPositions)
  }
}
