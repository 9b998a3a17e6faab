/// Writes and reads mode-1 (sparse) SLICER messages; the layout is documented on `SlicerFormat`.
enum SparseMessageCoder {
  static let name = "slicer"

  // MARK: writing

  static func write(_ message: SparseMessage) -> [UInt8] {
    let d = message.dimension
    let m = message.mantissaBits
    let kp = message.streams[0].kept
    let kn = message.streams[1].kept
    let k = kp + kn
    precondition(k >= 1 && k <= d, "a sparse message keeps 1…d entries")
    var writer = BitWriter(reservingBytes: 64)
    writer.write(UInt64(SlicerFormat.Mode.sparse.rawValue), count: SlicerFormat.modeBits)
    var ac = ArithmeticEncoder(writer: writer)
    ac.encode(uniform: k - 1, count: d)
    ac.encode(uniform: kp, count: k + 1)
    ac.encode(uniform: m, count: ScaleCode.maxMantissaBits + 1)
    for stream in message.streams where stream.kept > 0 {
      writeHeader(of: stream, mantissaBits: m, into: &ac)
    }

    // Each kept entry in position order: its gap, then (sign, group, value) as one symbol.
    var table = LabelTable(message.streams)
    var keptLeft = k
    var position = 0
    message.slots.withUnsafeBufferPointer { slots in
      while keptLeft > 0 {
        var gap = 0
        while slots[position + gap] < 0 { gap += 1 }
        var model = GapModel(positionsLeft: d - position, keptLeft: keptLeft)
        if model.maxGap > 0 {
          model.skip(to: gap)
          let lower = model.lower
          ac.encode(cumulative: lower, frequency: model.next() - lower, totalBits: 32)
        }
        let slot = Int(slots[position + gap])
        let label = table.label(stream: slot >> 16, group: (slot >> 8) & 0xFF)
        let (cumulative, frequency) = table.cell(label: label, index: slot & 0xFF)
        ac.encode(cumulative: cumulative, frequency: frequency, total: table.total)
        table.remove(label)
        keptLeft -= 1
        position += gap + 1
      }
    }
    writer = ac.finish()
    return writer.finish()
  }

  private static func writeHeader(
    of stream: StreamLayout, mantissaBits m: Int, into ac: inout ArithmeticEncoder
  ) {
    let outlierLimit = min(SlicerFormat.maxOutliers, stream.kept)
    let o = stream.outliers
    ac.encode(
      cumulative: UInt64(
        o == 0 ? 0 : SlicerFormat.noOutlierFrequency + (o - 1) * SlicerFormat.outlierFrequency),
      frequency: UInt64(o == 0 ? SlicerFormat.noOutlierFrequency : SlicerFormat.outlierFrequency),
      total: UInt64(SlicerFormat.noOutlierFrequency + outlierLimit * SlicerFormat.outlierFrequency))
    let g = stream.groupCount
    if stream.kept > o {
      ac.encode(uniform: g - 1, count: min(SlicerFormat.maxGroups, stream.kept - o))
    }
    for b in stream.bitwidths { ac.encode(uniform: b, count: SlicerFormat.maxBits + 1) }
    let codeCount = ScaleCode.count(mantissaBits: m)
    if o > 0 {
      ac.encode(uniform: stream.outlierCodes[o - 1], count: codeCount - 1)
      for i in stride(from: o - 2, through: 0, by: -1) {
        ac.encode(expGolomb: UInt64(stream.outlierCodes[i + 1] - stream.outlierCodes[i]), order: m)
      }
    }
    if g > 0 {
      if o > 0 {
        ac.encode(expGolomb: UInt64(stream.outlierCodes[0] + 1 - stream.codes[g]), order: m)
      } else {
        ac.encode(uniform: stream.codes[g], count: codeCount)
      }
      for j in stride(from: g - 1, through: 0, by: -1) {
        ac.encode(expGolomb: UInt64(stream.codes[j + 1] - stream.codes[j]), order: m)
      }
    }
  }

  // MARK: reading

  static func read(_ bytes: [UInt8], dimension d: Int) throws(CodecError) -> [Float] {
    guard d >= 1 else {
      throw .corrupt(codec: name, detail: "a sparse message cannot describe a vector of width 0")
    }
    var ac = ArithmeticDecoder(
      reader: BitReader(bytes, startingAt: SlicerFormat.modeBits), codec: name)
    let k = try ac.decode(uniform: d) + 1
    let kp = try ac.decode(uniform: k + 1)
    let counts = [kp, k - kp]
    let m = try ac.decode(uniform: ScaleCode.maxMantissaBits + 1)

    var layouts = [StreamLayout.empty, StreamLayout.empty]
    for s in 0..<2 where counts[s] > 0 {
      layouts[s] = try readHeader(kept: counts[s], stream: s, mantissaBits: m, from: &ac)
    }
    var table = LabelTable(layouts)
    var quantizers = [GroupQuantizer]()
    for s in 0..<2 {
      for j in 0..<layouts[s].bitwidths.count {
        quantizers.append(layouts[s].quantizer(j, mantissaBits: m))
      }
    }

    var out = [Float](repeating: 0, count: d)
    try out.withUnsafeMutableBufferPointer { (out) throws(CodecError) in
      var keptLeft = k
      var position = 0
      while keptLeft > 0 {
        var model = GapModel(positionsLeft: d - position, keptLeft: keptLeft)
        if model.maxGap > 0 {
          let (r, offset) = try ac.cell(totalBits: 32)
          model.advance(to: offset / r)
          position += model.gap
          let lower = model.lower
          ac.take(width: r, cumulative: lower, frequency: model.next() - lower)
        }
        let (r, offset) = try ac.cell(total: table.total)
        let (label, index, cumulative, frequency) = table.find(offset: offset, width: r)
        ac.take(width: r, cumulative: cumulative, frequency: frequency)
        table.remove(label)
        let magnitude = quantizers[label].reconstruct(index)
        out[position] = table.isNegative(label) ? -magnitude : magnitude
        keptLeft -= 1
        position += 1
      }
    }

    let codedBits = SlicerFormat.modeBits + ac.codedBits
    let expected = (codedBits + 7) / 8
    guard bytes.count == expected else {
      throw .wrongLength(codec: name, expectedBytes: expected, actualBytes: bytes.count)
    }
    guard BitReader(bytes, startingAt: codedBits).remainingBitsAreZero() else {
      throw .corrupt(codec: name, detail: "the padding bits after the coded section are not zero")
    }
    guard ac.terminationMatches(bytes, codedSectionStart: SlicerFormat.modeBits) else {
      throw .corrupt(
        codec: name, detail: "the coded section does not end the way the encoder ends it")
    }
    return out
  }

  private static func readHeader(
    kept: Int, stream s: Int, mantissaBits m: Int, from ac: inout ArithmeticDecoder
  ) throws(CodecError) -> StreamLayout {
    let outlierLimit = min(SlicerFormat.maxOutliers, kept)
    var outlierFrequencies = [SlicerFormat.noOutlierFrequency]
    outlierFrequencies += [Int](repeating: SlicerFormat.outlierFrequency, count: outlierLimit)
    let o = try outlierFrequencies.withUnsafeBufferPointer { (f) throws(CodecError) -> Int in
      try ac.decode(
        frequencies: f,
        total: SlicerFormat.noOutlierFrequency + outlierLimit * SlicerFormat.outlierFrequency)
    }
    let g = kept > o ? try ac.decode(uniform: min(SlicerFormat.maxGroups, kept - o)) + 1 : 0
    var bitwidths = [Int]()
    for _ in 0..<(g + o) { bitwidths.append(try ac.decode(uniform: SlicerFormat.maxBits + 1)) }
    let codeCount = ScaleCode.count(mantissaBits: m)
    func below(_ code: Int, what: String) throws(CodecError) -> Int {
      let delta = try ac.decode(expGolombOrder: m)
      guard delta <= UInt64(code) else {
        throw .corrupt(codec: name, detail: "\(what) of stream \(s) falls below the smallest code")
      }
      return code - Int(delta)
    }
    var outlierCodes = [Int](repeating: 0, count: o)
    if o > 0 {
      outlierCodes[o - 1] = try ac.decode(uniform: codeCount - 1)
      for i in stride(from: o - 2, through: 0, by: -1) {
        outlierCodes[i] = try below(outlierCodes[i + 1], what: "outlier \(i)")
      }
    }
    var codes = [Int]()
    if g > 0 {
      codes = [Int](repeating: 0, count: g + 1)
      codes[g] =
        o > 0
        ? try below(outlierCodes[0] + 1, what: "the top boundary")
        : try ac.decode(uniform: codeCount)
      for j in stride(from: g - 1, through: 0, by: -1) {
        codes[j] = try below(codes[j + 1], what: "boundary \(j)")
      }
    }
    return StreamLayout(
      kept: kept, outliers: o, bitwidths: bitwidths, codes: codes, outlierCodes: outlierCodes)
  }
}

/// The joint model of a kept entry's sign, group and quantized value. Labels are the groups of
/// the positive stream then of the negative one; with n_L entries of label L left (K in all)
/// and b_L bits, value q of label L has probability (n_L/K)·2^-b_L — the product of the sign
/// model (K±/K), the group model (n_L/K±) and a uniform value — coded as one symbol of the
/// total K·2^8 with cell [C_L·2^8 + q·n_L·2^(8−b_L), + n_L·2^(8−b_L)), C_L = Σ_{L'<L} n_L'.
///
/// Noncopyable over a small manual buffer: the coders update it once per kept entry.
struct LabelTable: ~Copyable {
  /// left[L] and the shift 8 − b_L per label.
  private let left: UnsafeMutablePointer<Int>
  private let shift: UnsafeMutablePointer<Int>
  let count: Int
  private let negativeBase: Int
  private var keptLeft = 0

  init(_ layouts: [StreamLayout]) {
    let labels = layouts[0].bitwidths.count + layouts[1].bitwidths.count
    count = labels
    left = .allocate(capacity: max(1, labels))
    shift = .allocate(capacity: max(1, labels))
    negativeBase = layouts[0].bitwidths.count
    var l = 0
    for layout in layouts where !layout.bitwidths.isEmpty {
      for (j, n) in layout.sizes.enumerated() {
        left[l] = n
        shift[l] = 8 - layout.bitwidths[j]
        l += 1
      }
      keptLeft += layout.kept
    }
  }

  deinit {
    left.deallocate()
    shift.deallocate()
  }

  var total: UInt64 { UInt64(keptLeft) << 8 }

  func label(stream: Int, group: Int) -> Int { stream == 0 ? group : negativeBase + group }

  /// True for labels of the negative stream.
  func isNegative(_ label: Int) -> Bool { label >= negativeBase }

  /// The cell of value `index` of `label`.
  @inline(__always)
  func cell(label: Int, index: Int) -> (cumulative: UInt64, frequency: UInt64) {
    var before = 0
    for l in 0..<label { before &+= left[l] }
    let frequency = UInt64(left[label]) << UInt64(shift[label])
    return ((UInt64(before) << 8) &+ UInt64(index) &* frequency, frequency)
  }

  /// The label and value whose cell, scaled by `width`, holds `offset` (< width·total).
  @inline(__always)
  func find(offset: UInt64, width r: UInt64) -> (
    label: Int, index: Int, cumulative: UInt64, frequency: UInt64
  ) {
    var before: UInt64 = 0
    var label = 0
    while label < count - 1 {
      let next = before &+ UInt64(left[label]) << 8
      if r &* next > offset { break }
      before = next
      label &+= 1
    }
    let frequency = UInt64(left[label]) << UInt64(shift[label])
    // offset < r·(before + n_L·2^8) and frequency·2^b = n_L·2^8, so index < 2^b.
    let index = (offset &- r &* before) / (r &* frequency)
    return (label, Int(index), before &+ index &* frequency, frequency)
  }

  @inline(__always)
  mutating func remove(_ label: Int) {
    left[label] &-= 1
    keptLeft &-= 1
  }
}
