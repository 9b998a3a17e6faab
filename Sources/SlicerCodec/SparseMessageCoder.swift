/// Writes and reads mode-1 (sparse) SLICER messages; the layout is documented on `SlicerFormat`.
enum SparseMessageCoder {
  static let name = "slicer"

  // MARK: writing

  static func write(_ message: SparseMessage) -> [UInt8] {
    message.slots.withUnsafeBufferPointer {
      write(
        dimension: message.dimension, mantissaBits: message.mantissaBits,
        streams: message.streams, slots: $0.baseAddress!)
    }
  }

  /// Writes the message with these stream layouts whose per-position slots (`dimension` of
  /// them, see `SparseMessage.slots`) are at `slots`.
  static func write(
    dimension d: Int, mantissaBits m: Int, streams: [StreamLayout],
    slots: UnsafePointer<Int32>
  ) -> [UInt8] {
    let kp = streams[0].kept
    let kn = streams[1].kept
    let k = kp + kn
    precondition(k >= 1 && k <= d, "a sparse message keeps 1…d entries")
    var ac = RangeEncoder(reservingBytes: 64 + k)
    // The mode as the first symbol: the coded number then starts with its 3 bits, so byte 0
    // carries the mode like every other message's.
    ac.encode(bits: SlicerFormat.Mode.sparse.rawValue, count: SlicerFormat.modeBits)
    ac.encode(uniform: k - 1, count: d)
    ac.encode(uniform: kp, count: k + 1)
    ac.encode(uniform: m, count: ScaleCode.maxMantissaBits + 1)
    for stream in streams where stream.kept > 0 {
      writeHeader(of: stream, mantissaBits: m, into: &ac)
    }

    // Chunk by chunk: the chunk's pattern of kept positions, then (sign, group, value) of each
    // kept entry in it as one symbol; chunks after the last kept entry are not sent.
    let chunks = ChunkModel(dimension: d, kept: k)
    var table = LabelCells(streams)
    var keptLeft = k
    var base = 0
    while keptLeft > 0 {
      // Bit 7 − j is set when position base + j is kept (slot ≥ 0), without a branch.
      var pattern = 0
      let width = min(ChunkModel.width, d &- base)
      for j in 0..<width {
        let kept = Int(truncatingIfNeeded: ~UInt32(bitPattern: slots[base &+ j]) &>> 31)
        pattern |= kept &<< (7 &- j)
      }
      let (chunkCumulative, chunkFrequency) = chunks.cell(pattern: pattern)
      ac.encode(
        cumulative: chunkCumulative, frequency: chunkFrequency, totalBits: ChunkModel.totalBits)
      var bits = pattern
      while bits != 0 {
        let j = bits.leadingZeroBitCount &- (Int.bitWidth &- 8)
        bits &= ~(0x80 &>> j)
        let slot = Int(slots[base &+ j])
        let label = table.label(stream: slot >> 16, group: (slot >> 8) & 0xFF)
        let (cumulative, frequency) = table.cell(label: label, index: slot & 0xFF)
        ac.encode(cumulative: cumulative, frequency: frequency, total: table.total)
        table.remove(label)
        keptLeft &-= 1
      }
      base &+= ChunkModel.width
    }
    return ac.finish()
  }

  private static func writeHeader(
    of stream: StreamLayout, mantissaBits m: Int, into ac: inout RangeEncoder
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
    var ac = RangeDecoder(bytes, codec: name)
    guard try ac.decodeBits(count: SlicerFormat.modeBits) == SlicerFormat.Mode.sparse.rawValue
    else {
      throw .corrupt(codec: name, detail: "a sparse message must start with mode 4")
    }
    let k = try ac.decode(uniform: d) + 1
    let kp = try ac.decode(uniform: k + 1)
    let counts = PerStream(kp, k - kp)
    let m = try ac.decode(uniform: ScaleCode.maxMantissaBits + 1)

    // The header goes straight into the label table (counts, shifts, quantizers); the
    // tables live on the stack.
    var out = [Float](repeating: 0, count: d)
    try LabelTable.withEmpty { (table) throws(CodecError) in
      for s in 0..<2 {
        if s == 1 { table.startNegative() }
        if counts[s] > 0 {
          try readHeader(kept: counts[s], stream: s, mantissaBits: m, from: &ac, into: &table)
        }
      }
      try ChunkModel.with(dimension: d, kept: k) { (chunks) throws(CodecError) in
        try out.withUnsafeMutableBufferPointer { (out) throws(CodecError) in
          try readEntries(
            kept: k, dimension: d, chunks: chunks, table: &table, from: &ac,
            into: out.baseAddress!)
        }
      }
    }
    try ac.checkEnd()
    return out
  }

  /// Reads the chunks and their kept entries into `out` (zeros, `d` of them).
  @inline(__always)
  private static func readEntries(
    kept k: Int, dimension d: Int, chunks: borrowing ChunkModel, table: inout LabelTable,
    from decoder: inout RangeDecoder, into out: UnsafeMutablePointer<Float>
  ) throws(CodecError) {
    // A local copy of the coder state, so it stays in registers across the loop.
    var ac = decoder
    var keptLeft = k
    var base = 0
    while keptLeft > 0 {
      guard base < d else {
        throw .corrupt(
          codec: name, detail: "the chunks end with \(keptLeft) of \(k) kept entries unplaced")
      }
      let (r, code) = ac.scaledCode(totalBits: ChunkModel.totalBits)
      guard let (pattern, rest, cellWidth) = chunks.find(code: code, width: r) else {
        throw .corrupt(codec: name, detail: "a chunk's pattern points into the unused range")
      }
      ac.narrow(width: cellWidth, rest: rest)
      let count = pattern.nonzeroBitCount
      guard count <= keptLeft else {
        throw .corrupt(
          codec: name, detail: "chunk \(base / ChunkModel.width) keeps more than the \(k) entries")
      }
      guard d &- base >= ChunkModel.width || pattern & (0xFF >> (d &- base)) == 0 else {
        throw .corrupt(codec: name, detail: "the last chunk keeps positions past the vector's end")
      }
      var bits = pattern
      while bits != 0 {
        let j = bits.leadingZeroBitCount &- (Int.bitWidth &- 8)
        bits &= ~(0x80 &>> j)
        let (r, target) = try ac.target(total: table.total)
        let (label, index, cumulative, frequency) = table.find(target: target)
        ac.take(width: r, cumulative: cumulative, frequency: frequency)
        table.remove(label)
        out[base &+ j] = table.value(label: label, index: index)
      }
      keptLeft &-= count
      base &+= ChunkModel.width
    }
    decoder = ac
  }

  /// Reads one stream's header (the format's fields from O_s on) and appends its labels,
  /// equal groups then outliers, to `table`.
  private static func readHeader(
    kept: Int, stream s: Int, mantissaBits m: Int, from ac: inout RangeDecoder,
    into table: inout LabelTable
  ) throws(CodecError) {
    let outlierLimit = min(SlicerFormat.maxOutliers, kept)
    // The outlier count's frequencies, on the stack (at most 1 + 7 of them).
    let o = try withUnsafeTemporaryAllocation(
      of: Int.self, capacity: 1 + SlicerFormat.maxOutliers
    ) { (f) throws(CodecError) -> Int in
      f[0] = SlicerFormat.noOutlierFrequency
      for i in 1...max(1, outlierLimit) { f[i] = SlicerFormat.outlierFrequency }
      return try ac.decode(
        frequencies: UnsafeBufferPointer(rebasing: f[0...outlierLimit]),
        total: SlicerFormat.noOutlierFrequency + outlierLimit * SlicerFormat.outlierFrequency)
    }
    let g = kept > o ? try ac.decode(uniform: min(SlicerFormat.maxGroups, kept - o)) + 1 : 0
    // Stack scratch, bounded by the counts just read (g ≤ 16, o ≤ 7): g + o bitwidths, then
    // the codes c_0 … c_G followed by u_0 … u_{O−1}, so label j < g spans codes j, j + 1 and
    // outlier i spans u_i, u_i + 1.
    let labelLimit = SlicerFormat.maxGroups + SlicerFormat.maxOutliers
    try withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * labelLimit + 1) {
      (scratch) throws(CodecError) in
      let bitwidths = scratch.baseAddress!
      let codes = bitwidths + labelLimit
      for j in 0..<(g + o) { bitwidths[j] = try ac.decode(uniform: SlicerFormat.maxBits + 1) }
      let outlierCodes = g + 1
      let codeCount = ScaleCode.count(mantissaBits: m)
      // `what` only names the field in an error: built when one is thrown, not per call.
      func below(_ code: Int, what: @autoclosure () -> String) throws(CodecError) -> Int {
        let delta = try ac.decode(expGolombOrder: m)
        guard delta <= UInt64(code) else {
          throw .corrupt(
            codec: name, detail: "\(what()) of stream \(s) falls below the smallest code")
        }
        return code - Int(delta)
      }
      if o > 0 {
        codes[outlierCodes + o - 1] = try ac.decode(uniform: codeCount - 1)
        for i in stride(from: o - 2, through: 0, by: -1) {
          codes[outlierCodes + i] = try below(codes[outlierCodes + i + 1], what: "outlier \(i)")
        }
      }
      if g > 0 {
        codes[g] =
          o > 0
          ? try below(codes[outlierCodes] + 1, what: "the top boundary")
          : try ac.decode(uniform: codeCount)
        for j in stride(from: g - 1, through: 0, by: -1) {
          codes[j] = try below(codes[j + 1], what: "boundary \(j)")
        }
      }
      // The labels, in label order; their codes as `StreamLayout.rangeCodes` reads them.
      for j in 0..<(g + o) {
        let u = outlierCodes + j - g  // outlier j − g's code (used when j ≥ g)
        let (lo, hi) = j < g ? (codes[j], codes[j + 1]) : (codes[u], codes[u] + 1)
        table.append(
          size: SlicerFormat.labelSize(j, kept: kept, groups: g, outliers: o), bits: bitwidths[j],
          quantizer: GroupQuantizer(loCode: lo, hiCode: hi, mantissaBits: m, bits: bitwidths[j]))
      }
    }
  }
}
