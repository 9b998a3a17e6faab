/// Finds special tokens (`</s>`, `<|im_start|>`, ...) written literally in a text and cuts the
/// text around them. At each place the longest special token that matches wins, and the scan goes
/// left to right, as Hugging Face's added-vocabulary matching does.
struct SpecialTokenMatcher: Sendable {
  /// A stretch of the input: plain text for BPE, or one special token.
  enum Segment: Equatable {
    case text(Substring)
    case special(Int)
  }

  /// Special tokens as (UTF-8, id), bucketed by first byte, each bucket longest first.
  private var buckets: [[(bytes: [UInt8], id: Int)]] = Array(repeating: [], count: 256)

  private(set) var isEmpty = true

  init(_ specialTokens: [String: Int]) {
    for (text, id) in specialTokens {
      let bytes = Array(text.utf8)
      guard let first = bytes.first else { continue }
      buckets[Int(first)].append((bytes, id))
      isEmpty = false
    }
    for index in buckets.indices {
      // Longest first; ties (impossible: equal bytes are one key) broken by id for determinism.
      buckets[index].sort { ($0.bytes.count, -$0.id) > ($1.bytes.count, -$1.id) }
    }
  }

  /// `text` cut into plain stretches and special tokens, in order; empty stretches are left out.
  func segments(of text: String) -> [Segment] {
    let scalars = text.unicodeScalars
    var segments: [Segment] = []
    var plainStart = scalars.startIndex
    var index = scalars.startIndex
    while index < scalars.endIndex {
      if let (length, id) = match(in: text.utf8, at: index) {
        if plainStart < index {
          segments.append(.text(Substring(scalars[plainStart..<index])))
        }
        segments.append(.special(id))
        index = text.utf8.index(index, offsetBy: length)
        plainStart = index
      } else {
        index = scalars.index(after: index)
      }
    }
    if plainStart < scalars.endIndex {
      segments.append(.text(Substring(scalars[plainStart..<scalars.endIndex])))
    }
    return segments
  }

  /// The longest special token starting at `index` (a scalar boundary), as (byte length, id).
  private func match(in utf8: String.UTF8View, at index: String.Index) -> (Int, Int)? {
    let candidates = buckets[Int(utf8[index])]
    guard !candidates.isEmpty else { return nil }
    let rest = utf8[index...]
    for candidate in candidates where rest.starts(with: candidate.bytes) {
      return (candidate.bytes.count, candidate.id)
    }
    return nil
  }
}
