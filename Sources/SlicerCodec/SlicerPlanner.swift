/// Chooses a sparse SLICER message for one vector and budget: `RateSearch` proposes the shape
/// (K+, K−, G+, G−, boundary precision), `GroupAllocator` prices it and its neighbours exactly,
/// and the cheapest shape that meets the budget wins. If none does, the planner keeps more
/// entries and finer boundaries until one does or every entry is kept at 8 bits.
struct SlicerPlanner {
  let streams: [SignStream]
  let dimension: Int
  let maxGroups: Int
  var options = Options()

  /// Tuning knobs (defaults chosen by measurement; see the codec's notes).
  struct Options: Sendable {
    /// Boundary precisions tried, as offsets from the estimate's choice.
    var mantissaOffsets = [-1, 0, 1]
    var allocator = GroupAllocator.Options()
  }

  /// The cheapest plan found whose squared error is ≤ `allowedError`, or nil.
  func plan(allowedError: Double) -> (GroupAllocator, GroupAllocator.Plan)? {
    let allocator = GroupAllocator(streams: streams, dimension: dimension, options: options.allocator)
    let search = RateSearch(streams: streams, dimension: dimension, maxGroups: maxGroups)
    guard var shape = search.search(allowedError: allowedError) else {
      return finest(allocator, allowedError: allowedError)
    }
    var best: GroupAllocator.Plan?
    func consider(_ candidate: GroupAllocator.Shape) {
      guard let p = allocator.allocate(candidate, allowedError: allowedError) else { return }
      if best == nil || p.bits.total < best!.bits.total { best = p }
    }
    let m = shape.mantissaBits
    var tried = Set<Int>()
    for offset in options.mantissaOffsets {
      let candidate = min(ScaleCode.maxMantissaBits, max(0, m + offset))
      guard tried.insert(candidate).inserted else { continue }
      shape.mantissaBits = candidate
      consider(shape)
    }
    if let best { return (allocator, best) }
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

  /// Every entry kept, the most groups, the finest boundaries.
  private func finest(_ allocator: GroupAllocator, allowedError: Double) -> (GroupAllocator, GroupAllocator.Plan)? {
    let shape = GroupAllocator.Shape(
      kept: [streams[0].count, streams[1].count], groups: [maxGroups, maxGroups],
      outliers: [min(2, streams[0].count), min(2, streams[1].count)],
      mantissaBits: ScaleCode.maxMantissaBits)
    guard shape.kept[0] + shape.kept[1] > 0,
      let p = allocator.allocate(shape, allowedError: allowedError)
    else { return nil }
    return (allocator, p)
  }
}
