import Testing

@testable import SlicerCodec

/// `swift test -c release --filter CodecBench` prints the benchmark table. Timings are printed,
/// never asserted; the assertions are about bits, which do not depend on the machine.
@Suite struct CodecBenchTests {
  @Test func benchmarkTable() throws {
    let specs = try [
      "fp16", "int8", "topk:0.25:4", "slicer:1e-3", "slicer:1e-2", "slicer:0.1", "slicer:0.3",
    ]
    .map { try CodecSpec(parsing: $0) }
    let rows = CodecBenchmark.run(dimension: 768, iterations: 50, specs: specs)
    print(CodecBenchmark.table(rows))
    #expect(rows.map(\.spec) == specs)
    #expect(rows[0].meanBits == 12_288 && rows[1].meanBits == 6_176)
    // SLICER's bits fall as the budget grows, and every message met its budget.
    let slicer = rows.filter { if case .slicer = $0.spec { true } else { false } }
    #expect(zip(slicer, slicer.dropFirst()).allSatisfy { $0.meanBits > $1.meanBits })
    for row in slicer {
      if let budget = row.spec.slicerBudget { #expect(row.maxDistortion <= budget) }
    }
  }

  @Test func tableFormat() {
    let row = CodecBenchmark.Row(
      spec: .fp16, dimension: 768, medianEncodeMicroseconds: 1.25, medianDecodeMicroseconds: 0.5,
      medianRoundTripMicroseconds: 1.75, meanBits: 12288, meanDistortion: 4.14e-8,
      maxDistortion: 5e-8)
    #expect(
      CodecBenchmark.table([row]) == """
        codec               d   encode µs  decode µs  enc+dec µs   mean bits  mean distortion
        fp16               768         1.3        0.5         1.8       12288          4.14e-8
        """)
  }
}
