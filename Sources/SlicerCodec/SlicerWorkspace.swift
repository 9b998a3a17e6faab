import Synchronization

/// The encoder's reusable memory for one vector at a time: the two sign streams, the sort's
/// scratch, the per-position slots of the message being written and the decoder's view of
/// it. Sized for the widest vector seen so far, so after the first vector of a width the
/// encoder allocates nothing here.
final class SlicerWorkspace: @unchecked Sendable {
  let positive = SignStream(capacity: 0)
  let negative = SignStream(capacity: 0)
  lazy var streams = [positive, negative]
  var sort = SignStream.SortScratch(capacity: 0)
  /// Per position: −1 when not sent, else `SparseMessage.slot(stream:group:index:)`.
  private(set) var slots = UnsafeMutableBufferPointer<Int32>.allocate(capacity: 1)
  /// The vector the decoder will rebuild.
  private(set) var decoded = UnsafeMutableBufferPointer<Float>.allocate(capacity: 1)

  deinit {
    slots.deallocate()
    decoded.deallocate()
  }

  /// Loads `x` into the sign streams and makes room for width `x.count`; the streams are only
  /// meaningful when the returned summary says `x` is finite.
  func load(_ x: UnsafeBufferPointer<Float>) -> SignStream.Summary {
    let d = x.count
    if slots.count < d {
      slots.deallocate()
      decoded.deallocate()
      slots = .allocate(capacity: d)
      decoded = .allocate(capacity: d)
    }
    return SignStream.fill(positive, negative, from: x, scratch: &sort)
  }
}

/// A few workspaces shared by the copies of one codec value: an encode takes one (or makes
/// one when all are busy, e.g. several threads encoding at once) and puts it back.
final class SlicerWorkspacePool: Sendable {
  private let free = Mutex<[SlicerWorkspace]>([])
  /// Workspaces kept for reuse; more concurrent encoders get temporary ones.
  static let limit = 4

  func with<R>(_ body: (SlicerWorkspace) -> R) -> R {
    let workspace = free.withLock { $0.popLast() } ?? SlicerWorkspace()
    let result = body(workspace)
    free.withLock { if $0.count < Self.limit { $0.append(workspace) } }
    return result
  }
}
