/// Chooses a sparse SLICER message for one vector and budget: `RateSearch` proposes the shape
/// (K+, K−, G+, G−, boundary precision), `GroupAllocator` prices it and its neighbours exactly,
/// and the cheapest shape that meets the budget wins. If none does, the planner keeps more
/// entries and finer boundaries until one does or every entry is kept at 8 bits.
struct SlicerPlanner {
  let streams: [SignStream]
  let dimension: Int
  let maxGroups: Int
  var options = Options()

  /// Tuning knobs, defaults chosen by measurement on the synthetic set (5 kinds × 6 budgets ×
  /// d = 576 and 768): trying the estimate's boundary precision m and m − 1 costs 0.4% fewer
  /// bits than m alone, for twice the exact pricing; adding m + 1 saves another 0.05% for 50%
  /// more. Wide vectors try m alone (speed first: the exact pricing is most of the planning);
  /// small ones, where pricing is cheap and side information dominates, try both.
  struct Options: Sendable {
    /// Boundary precisions tried, as offsets from the estimate's choice.
    var mantissaOffsets = [0]
    /// The same for vectors with at most `smallVector` nonzero entries.
    var smallVectorMantissaOffsets = [0, -1]
    /// The estimate's choice: m = max(floor, largest estimated bitwidth + offset), at most 7.
    var mantissaFloor = 2
    var mantissaOffset = 2
  }

  /// The cheapest plan found whose squared error is ≤ `allowedError`, or nil.
  func plan(allowedError: Double) -> (GroupAllocator, GroupAllocator.Plan)? {
    let allocator = GroupAllocator(streams: streams, dimension: dimension)
    var search = RateSearch(streams: streams, dimension: dimension, maxGroups: maxGroups)
    search.mantissaFloor = options.mantissaFloor
    search.mantissaOffset = options.mantissaOffset
    guard var shape = search.search(allowedError: allowedError) else {
      return finest(allocator, allowedError: allowedError)
    }
    var best: GroupAllocator.Plan?
    func consider(_ candidate: GroupAllocator.Shape) {
      guard let p = allocator.allocate(candidate, allowedError: allowedError) else { return }
      if best == nil || p.bits.total < best!.bits.total { best = p }
    }
    let m = shape.mantissaBits
    let nonzero = streams[0].count + streams[1].count
    // Precisions already tried, one bit each (0…7): a few, so no hashed set.
    var tried: UInt8 = 0
    for offset in nonzero <= Self.smallVector
      ? options.smallVectorMantissaOffsets : options.mantissaOffsets
    {
      let candidate = min(ScaleCode.maxMantissaBits, max(0, m + offset))
      guard tried & (1 << candidate) == 0 else { continue }
      tried |= 1 << candidate
      shape.mantissaBits = candidate
      consider(shape)
    }
    if var best {
      if nonzero <= Self.tinyVector {
        best = exhaustive(best, allocator: allocator, allowedError: allowedError)
      }
      if nonzero <= Self.smallVector {
        best = refine(best, allocator: allocator, allowedError: allowedError)
      }
      return (allocator, best)
    }
    // The estimate was optimistic: keep more, 25% at a time, at the finest boundaries.
    shape.mantissaBits = ScaleCode.maxMantissaBits
    while shape.kept[0] < streams[0].count || shape.kept[1] < streams[1].count {
      for s in 0..<2 {
        shape.kept[s] = min(streams[s].count, shape.kept[s] + max(1, shape.kept[s] / 4))
        shape.groups[s] = max(1, shape.groups[s])
      }
      if let p = allocator.allocate(shape, allowedError: allowedError) { return (allocator, p) }
    }
    return finest(allocator, allowedError: allowedError)
  }

  /// Vectors with at most this many nonzero entries get an exact local search after the
  /// estimate: its approximations are coarsest there (side information dominates), and exact
  /// pricing is cheap.
  static let smallVector = 64
  /// Vectors with at most this many nonzero entries try every (K+, K−) with one group each.
  static let tinyVector = 32

  /// The cheapest of `start` and every (K+, K−) with one equal group per stream.
  private func exhaustive(
    _ start: GroupAllocator.Plan, allocator: GroupAllocator, allowedError: Double
  )
    -> GroupAllocator.Plan
  {
    var best = start
    for kp in 0...streams[0].count {
      for kn in 0...streams[1].count where kp + kn > 0 {
        let shape = GroupAllocator.Shape(
          kept: PerStream(kp, kn), groups: PerStream(1, 1), outliers: PerStream(0, 0),
          mantissaBits: start.shape.mantissaBits)
        if let p = allocator.allocate(shape, allowedError: allowedError),
          p.bits.total < best.bits.total
        {
          best = p
        }
      }
    }
    return best
  }

  /// Coordinate descent on the exact cost: moves K±, group and outlier counts one step at a
  /// time while that saves bits.
  private func refine(_ start: GroupAllocator.Plan, allocator: GroupAllocator, allowedError: Double)
    -> GroupAllocator.Plan
  {
    var best = start
    var improved = true
    while improved {
      improved = false
      var moves: [GroupAllocator.Shape] = []
      for s in 0..<2 {
        for step in [-4, -2, -1, 1, 2, 4] {
          var shape = best.shape
          shape.kept[s] += step
          moves.append(shape)
          shape.kept[1 - s] -= step
          moves.append(shape)
        }
        for step in [-1, 1] {
          var shape = best.shape
          shape.groups[s] += step
          moves.append(shape)
          shape = best.shape
          shape.outliers[s] += step
          moves.append(shape)
        }
      }
      for shape in moves {
        guard (0..<2).allSatisfy({ shape.kept[$0] >= 0 && shape.kept[$0] <= streams[$0].count }),
          (0..<2).allSatisfy({ shape.groups[$0] >= 1 && shape.groups[$0] <= maxGroups }),
          (0..<2).allSatisfy({ shape.outliers[$0] >= 0 }),
          shape.kept[0] + shape.kept[1] > 0,
          let p = allocator.allocate(shape, allowedError: allowedError),
          p.bits.total < best.bits.total - 0.01
        else { continue }
        best = p
        improved = true
      }
    }
    return best
  }

  /// Every entry kept, the most groups, the finest boundaries.
  private func finest(_ allocator: GroupAllocator, allowedError: Double) -> (
    GroupAllocator, GroupAllocator.Plan
  )? {
    let shape = GroupAllocator.Shape(
      kept: PerStream(streams[0].count, streams[1].count), groups: PerStream(maxGroups, maxGroups),
      outliers: PerStream(min(2, streams[0].count), min(2, streams[1].count)),
      mantissaBits: ScaleCode.maxMantissaBits)
    guard shape.kept[0] + shape.kept[1] > 0,
      let p = allocator.allocate(shape, allowedError: allowedError)
    else { return nil }
    return (allocator, p)
  }
}
