/// The conversation's entries wrapped to the pane width, kept between frames: only entries
/// whose text (or the width) changed are wrapped again, so streaming costs one entry per frame
/// however long the conversation.
final class WrapCache: @unchecked Sendable {  // used from the UI thread only
  private struct Key: Equatable {
    var width: Int
    var byteCount: Int
    var kind: ChatEntry.Kind
  }
  private var entries: [(key: Key, lines: [String])] = []

  /// The wrapped lines of entry `index`.
  func lines(of entry: ChatEntry, at index: Int, width: Int, wrap: (ChatEntry, Int) -> [String])
    -> [String]
  {
    let key = Key(width: width, byteCount: entry.text.utf8.count, kind: entry.kind)
    if index < entries.count, entries[index].key == key { return entries[index].lines }
    let lines = wrap(entry, width)
    if index < entries.count {
      entries[index] = (key, lines)
    } else {
      // Entries only grow at the end; a reset conversation starts the cache over.
      if index > entries.count { entries.removeAll() }
      if index == entries.count { entries.append((key, lines)) }
    }
    return lines
  }

  /// Drops entries past `count` (the conversation got shorter).
  func trim(to count: Int) {
    if entries.count > count { entries.removeLast(entries.count - count) }
  }
}
