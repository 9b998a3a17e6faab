import Foundation
import Testing

@testable import SlicerTensor

/// The weight-streaming kernels against a plain reference: the stored matrix decoded by
/// `QuantizedBlocks.dequantize` (independent Swift code) and multiplied in Double.
///
/// Serialized: one test switches the process-wide thread count, which changes speed but must
/// never change a result.
@Suite(.serialized) struct KernelTests {
  /// Shapes with every kind of tail: columns not a multiple of 8 or 32 (element formats), rows
  /// not a multiple of the 4-row panels, input rows not a multiple of the 3-row tiles.
  static let shapes: [(rows: Int, columns: Int)] = [(1, 32), (7, 64), (45, 96), (130, 256)]
  static let elementShapes: [(rows: Int, columns: Int)] = [(3, 1), (5, 7), (9, 37), (66, 200)]

  @Test(arguments: WeightFormat.allCases)
  func linearMatchesTheDequantizedReference(format: WeightFormat) throws {
    let shapes = format.blockSize == 1 ? Self.shapes + Self.elementShapes : Self.shapes
    var random = TestRandom(seed: 11)
    for (rows, columns) in shapes {
      let weight = try TestWeights.make(format, rows: rows, columns: columns, random: &random)
      let reference = TestWeights.dequantized(weight)
      for n in [1, 2, 5] {
        let x = Matrix(
          rows: n, columns: columns, values: (0..<n * columns).map { _ in random.uniform() })
        for (bias, portable) in [
          (nil, false), ((0..<rows).map { _ in random.uniform() }, false), (nil, true),
        ] {
          let y = Linear(weight: weight, bias: bias).product(x, portable: portable)
          #expect(y.rows == n && y.columns == rows)
          for i in 0..<n {
            for r in 0..<rows {
              var sum = Double(bias?[r] ?? 0)
              var magnitude = abs(sum)
              for k in 0..<columns {
                let term = Double(x.values[i * columns + k]) * Double(reference[r * columns + k])
                sum += term
                magnitude += abs(term)
              }
              // fp32 accumulation over ≤ 256 terms: far inside 1e-5 of the terms' magnitude.
              let error = abs(Double(y.values[i * rows + r]) - sum)
              #expect(
                error <= 1e-5 * magnitude + 1e-30,
                "\(format) \(rows)×\(columns) n=\(n) portable \(portable) (\(i), \(r)): \(error) of \(magnitude)")
            }
          }
        }
      }
    }
  }

  /// The integer path for 4-bit block formats (one input row): x rounded to 16 bits per 32-element
  /// block (d = max|x|/32767, q = round(x/d), ties to even), integer products, fp32 scales. Its
  /// result must equal Σ w·x̂ (x̂ the rounded input) for Q4_0, and lie within the rounding's
  /// effect Σ|w|·|x − x̂| of the exact Σ w·x for both (Q4_1's offset uses the exact Σ x).
  @Test(arguments: [WeightFormat.q4_0, .q4_1])
  func quantizedActivationsStayWithinTheirRoundingBound(format: WeightFormat) throws {
    var random = TestRandom(seed: 17)
    var roundedSomewhere = false
    for (rows, columns) in Self.shapes + [(67, 576)] {
      let weight = try TestWeights.make(format, rows: rows, columns: columns, random: &random)
      let w = TestWeights.dequantized(weight)
      // One block of zeros (d = 0) and one with a large outlier, besides plain values.
      var x = (0..<columns).map { _ in random.uniform() }
      if columns >= 64 {
        for k in 0..<32 { x[k] = 0 }
        x[40] = 37
      }
      var rounded = x
      for b in 0..<columns / 32 {
        let block = x[(32 * b)..<(32 * b + 32)]
        let d = block.map { abs($0) }.max()! / 32767
        let inverse: Float = d != 0 ? 1 / d : 0
        for k in (32 * b)..<(32 * b + 32) { rounded[k] = d * (x[k] * inverse).rounded(.toNearestOrEven) }
      }
      roundedSomewhere = roundedSomewhere || rounded != x
      for portable in [false, true] {
        let y = Linear(weight: weight, bias: nil)
          .product(
            Matrix(rows: 1, columns: columns, values: x), portable: portable,
            quantizedActivations: true)
        for r in 0..<rows {
          var exact = 0.0, ofRounded = 0.0, magnitude = 0.0, bound = 0.0
          for k in 0..<columns {
            let wk = Double(w[r * columns + k])
            exact += wk * Double(x[k])
            ofRounded += wk * Double(rounded[k])
            magnitude += abs(wk * Double(x[k]))
            bound += abs(wk) * abs(Double(x[k]) - Double(rounded[k]))
          }
          let got = Double(y.values[r])
          let slack = 1e-5 * magnitude + 1e-30
          #expect(abs(got - exact) <= bound + slack, "\(format) \(rows)×\(columns) row \(r)")
          if format != .q4_1 {
            #expect(abs(got - ofRounded) <= slack, "\(format) \(rows)×\(columns) row \(r) portable \(portable)")
          }
        }
      }
    }
    #expect(roundedSomewhere)
  }

  @Test(arguments: WeightFormat.allCases)
  func decodedRowsAreTheReferenceBitForBit(format: WeightFormat) throws {
    var random = TestRandom(seed: 5)
    let weight = try TestWeights.make(format, rows: 9, columns: 64, random: &random)
    let reference = TestWeights.dequantized(weight)
    #expect(weight.floats() == reference)
    #expect(weight.row(4) == Array(reference[(4 * 64)..<(5 * 64)]))
    var middle = [Float](repeating: .nan, count: 3 * 64)
    middle.withUnsafeMutableBufferPointer { weight.decodeRows(2..<5, into: $0.baseAddress!) }
    #expect(middle == Array(reference[(2 * 64)..<(5 * 64)]))
    middle.withUnsafeMutableBufferPointer {
      weight.decodeRows(2..<5, into: $0.baseAddress!, portable: true)
    }
    #expect(middle == Array(reference[(2 * 64)..<(5 * 64)]))
  }

  /// Results are a function of the inputs only: the same bits with one thread or two.
  @Test func resultsDoNotDependOnTheThreadCount() throws {
    var random = TestRandom(seed: 3)
    let saved = Kernels.threadCount
    defer { Kernels.threadCount = saved }
    for format in WeightFormat.allCases {
      let weight = try TestWeights.make(format, rows: 300, columns: 128, random: &random)
      for n in [1, 4] {
        let x = Matrix(rows: n, columns: 128, values: (0..<n * 128).map { _ in random.uniform() })
        Kernels.threadCount = 1
        let alone = Linear(weight: weight, bias: nil)(x)
        Kernels.threadCount = 2
        let pooled = Linear(weight: weight, bias: nil)(x)
        #expect(alone == pooled, "\(format) n=\(n)")
      }
    }
  }

  @Test func storedBytesMustMatchTheShape() throws {
    let bytes = WeightBytes(count: 40) { $0.initializeMemory(as: UInt8.self, repeating: 0) }
    let ok = try WeightMatrix(format: .q4_1, rows: 2, columns: 32, storage: bytes)
    #expect(ok.rowBytes == 20 && ok.byteCount == 40)
    #expect(throws: WeightMatrixError.byteCountMismatch(
      format: .q8_0, rows: 1, columns: 32, expected: 34, found: 40)) {
      _ = try WeightMatrix(format: .q8_0, rows: 1, columns: 32, storage: bytes)
    }
    #expect(throws: WeightMatrixError.columnsNotWholeBlocks(format: .q4_0, columns: 48)) {
      _ = try WeightMatrix(format: .q4_0, rows: 1, columns: 48, storage: bytes)
    }
    #expect(throws: WeightMatrixError.invalidShape(format: .f16, rows: -1, columns: 20)) {
      _ = try WeightMatrix(format: .f16, rows: -1, columns: 20, storage: bytes)
    }
    #expect(throws: WeightMatrixError.invalidShape(format: .f32, rows: Int.max / 2, columns: 4)) {
      _ = try WeightMatrix(format: .f32, rows: Int.max / 2, columns: 4, storage: bytes)
    }
  }

  @Test func formatsKnowTheirRowSizes() {
    #expect(WeightFormat.q4_1.rowBytes(columns: 576) == 360)
    #expect(WeightFormat.q8_0.rowBytes(columns: 576) == 612)
    #expect(WeightFormat.q4_0.rowBytes(columns: 64) == 36)
    #expect(WeightFormat.f16.rowBytes(columns: 768) == 1536)
    #expect(WeightFormat.bf16.rowBytes(columns: 3) == 6)
    #expect(WeightFormat.f32.rowBytes(columns: 5) == 20)
    #expect(WeightFormat.q8_0.rowBytes(columns: 33) == nil)
    #expect(WeightFormat.f32.rowBytes(columns: -1) == nil)
    #expect(WeightFormat.f32.rowBytes(columns: Int.max) == nil)
    #expect(WeightFormat(GGMLType.q4_1) == .q4_1)
    #expect(WeightFormat(GGMLType.q6_K) == nil)
    #expect(WeightFormat(DType.bf16) == .bf16)
  }

  @Test func fp32MatricesHoldTheirValues() {
    let w = WeightMatrix(floats: [1, 2, 3, 4, 5, 6], rows: 2, columns: 3)
    #expect(w.format == .f32 && w.byteCount == 24)
    #expect(w.row(1) == [4, 5, 6])
    let y = Linear(weight: w, bias: [0.5, -1])(Matrix(rows: 1, columns: 3, values: [1, 0, -1]))
    #expect(y.values == [-1.5, -3])  // 1 − 3 + 0.5, 4 − 6 − 1
  }

  @Test func bandwidthProbeReadsTheBuffer() {
    let rate = Kernels.measureReadBandwidth(bytes: 8 << 20, threads: 1, repeats: 2)
    #expect(rate > 1e8)  // any machine streams more than 100 MB/s
  }
}

/// SplitMix64: reproducible test data.
struct TestRandom {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  /// Uniform in [−1, 1).
  mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }
}

/// Random stored matrices in every format, built byte by byte from the documented layouts.
enum TestWeights {
  static func make(_ format: WeightFormat, rows: Int, columns: Int, random: inout TestRandom)
    throws -> WeightMatrix
  {
    let rowBytes = format.rowBytes(columns: columns)!
    var bytes = [UInt8]()
    func append16(_ bits: UInt16) { bytes += [UInt8(bits & 0xFF), UInt8(bits >> 8)] }
    func half(_ value: Float) -> UInt16 { Float16(value).bitPattern }
    for _ in 0..<rows {
      switch format {
      case .f32:
        for _ in 0..<columns {
          let bits = (random.uniform() * 0.1).bitPattern
          bytes += (0..<4).map { UInt8((bits >> (8 * $0)) & 0xFF) }
        }
      case .f16: for _ in 0..<columns { append16(half(random.uniform() * 0.1)) }
      case .bf16: for _ in 0..<columns { append16(UInt16((random.uniform() * 0.1).bitPattern >> 16)) }
      case .q8_0:
        for _ in 0..<columns / 32 {
          append16(half(0.002 * (1.5 + random.uniform())))
          bytes += (0..<32).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        }
      case .q4_0:
        for _ in 0..<columns / 32 {
          append16(half(0.01 * (1.5 + random.uniform())))
          bytes += (0..<16).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        }
      case .q4_1:
        for _ in 0..<columns / 32 {
          append16(half(0.01 * (1.5 + random.uniform())))
          append16(half(-0.08 + 0.02 * random.uniform()))
          bytes += (0..<16).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        }
      }
    }
    precondition(bytes.count == rows * rowBytes)
    let storage = bytes.withUnsafeBytes { source in
      WeightBytes(count: source.count) { $0.copyMemory(from: source) }
    }
    return try WeightMatrix(format: format, rows: rows, columns: columns, storage: storage)
  }

  /// The matrix decoded by the Swift reference decoders.
  static func dequantized(_ weight: WeightMatrix) -> [Float] {
    let type: GGMLType =
      switch weight.format {
      case .f32: .f32
      case .f16: .f16
      case .bf16: .bf16
      case .q8_0: .q8_0
      case .q4_0: .q4_0
      case .q4_1: .q4_1
      }
    return QuantizedBlocks.dequantize(
      type, weight.storage.bytes.baseAddress!, count: weight.rows * weight.columns)
  }
}
