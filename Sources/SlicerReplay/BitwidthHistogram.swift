import SlicerCodec

/// How many hidden-state entries crossed the link at each bitwidth, over any number of
/// positions. SLICER's groups give each kept entry its bitwidth; the baselines send every kept
/// entry at one width, read off the message's mode.
public struct BitwidthHistogram: Sendable, Equatable {
  /// Entries per bitwidth (0 bits: a SLICER group reconstructed at its midpoint).
  public private(set) var counts: [Int: Int] = [:]
  /// Entries not sent at all (reconstructed as 0).
  public private(set) var dropped = 0
  /// Entries of messages whose mode this type does not know (a newer codec).
  public private(set) var unknown = 0

  public init() {}

  /// Adds one position's message; `dimension` is the width of the hidden state.
  public mutating func add(_ stats: StepStats, dimension: Int) {
    if !stats.groups.isEmpty {
      var kept = 0
      for group in stats.groups {
        counts[group.bits, default: 0] += group.count
        kept += group.count
      }
      dropped += max(dimension - kept, 0)
      return
    }
    switch stats.mode {
    case "zero":
      dropped += dimension
    case "none", "fp32":
      counts[32, default: 0] += dimension
    case "fp16", "bf16":
      counts[16, default: 0] += dimension
    case "int8":
      counts[8, default: 0] += dimension
    case let mode where mode.hasPrefix("topk:"):
      // `topk:FRACTION:BITS`: valueBits = kept × BITS.
      guard let bits = mode.split(separator: ":").last.flatMap({ Int($0) }), bits > 0 else {
        unknown += dimension
        return
      }
      let kept = min(stats.valueBits / bits, dimension)
      counts[bits, default: 0] += kept
      dropped += dimension - kept
    default:
      unknown += dimension
    }
  }

  public mutating func merge(_ other: BitwidthHistogram) {
    counts.merge(other.counts, uniquingKeysWith: +)
    dropped += other.dropped
    unknown += other.unknown
  }

  /// `dropped 2101, 0-bit 12, 2-bit 341, 8-bit 1` — widths ascending, empty widths left out.
  public var description: String {
    var parts: [String] = []
    if dropped > 0 { parts.append("dropped \(dropped)") }
    for bits in counts.keys.sorted() where counts[bits, default: 0] > 0 {
      parts.append("\(bits)-bit \(counts[bits, default: 0])")
    }
    if unknown > 0 { parts.append("unknown \(unknown)") }
    return parts.isEmpty ? "none" : parts.joined(separator: ", ")
  }
}
