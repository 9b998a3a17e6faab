/// A line diff: the shortest edit from `old` to `new` as kept, removed and added lines.
///
/// The common head and tail are matched first (a golden usually differs in a few lines in the
/// middle); the rest is matched by longest common subsequence. A middle too large for the table
/// (`maxCells`) is reported as all removed then all added — still correct, only less minimal.
enum LineDiff {
  enum Operation: Equatable {
    /// Indices into old and new.
    case keep(Int, Int)
    case remove(Int)
    case add(Int)
  }

  static let maxCells = 4_000_000

  static func operations(_ old: [String], _ new: [String]) -> [Operation] {
    var head = 0
    while head < old.count, head < new.count, old[head] == new[head] { head += 1 }
    var tail = 0
    while tail < old.count - head, tail < new.count - head,
      old[old.count - 1 - tail] == new[new.count - 1 - tail]
    {
      tail += 1
    }
    var result = (0..<head).map { Operation.keep($0, $0) }
    let oldMiddle = head..<(old.count - tail)
    let newMiddle = head..<(new.count - tail)
    result += middle(old, oldMiddle, new, newMiddle)
    result += (0..<tail).map { Operation.keep(old.count - tail + $0, new.count - tail + $0) }
    return result
  }

  private static func middle(
    _ old: [String], _ a: Range<Int>, _ new: [String], _ b: Range<Int>
  ) -> [Operation] {
    let n = a.count
    let m = b.count
    guard n > 0, m > 0, n * m <= maxCells else {
      return a.map { .remove($0) } + b.map { .add($0) }
    }
    // lcs[i][j]: longest common subsequence of old[a][i...] and new[b][j...], row-major.
    var lcs = [Int32](repeating: 0, count: (n + 1) * (m + 1))
    for i in stride(from: n - 1, through: 0, by: -1) {
      for j in stride(from: m - 1, through: 0, by: -1) {
        lcs[i * (m + 1) + j] =
          old[a.lowerBound + i] == new[b.lowerBound + j]
          ? lcs[(i + 1) * (m + 1) + j + 1] + 1
          : max(lcs[(i + 1) * (m + 1) + j], lcs[i * (m + 1) + j + 1])
      }
    }
    var result: [Operation] = []
    var i = 0
    var j = 0
    while i < n, j < m {
      if old[a.lowerBound + i] == new[b.lowerBound + j] {
        result.append(.keep(a.lowerBound + i, b.lowerBound + j))
        i += 1
        j += 1
      } else if lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1] {
        result.append(.remove(a.lowerBound + i))
        i += 1
      } else {
        result.append(.add(b.lowerBound + j))
        j += 1
      }
    }
    result += (i..<n).map { .remove(a.lowerBound + $0) }
    result += (j..<m).map { .add(b.lowerBound + $0) }
    return result
  }
}
