import Foundation

/// Immutable bytes a `WeightMatrix` reads: either memory it allocated and frees, or a region of
/// someone else's memory (a checkpoint's mapping) kept valid by holding its owner.
///
/// A class so that copies of a model share one allocation; immutable after initialisation, so
/// sharing across threads is safe.
public final class WeightBytes: @unchecked Sendable {
  /// The bytes (64-byte aligned when allocated here; any alignment when borrowed).
  public let bytes: UnsafeRawBufferPointer
  /// What keeps borrowed bytes valid (nil when we own them).
  private let owner: (any Sendable)?
  /// Memory we allocated and free (nil when borrowed).
  private let allocation: UnsafeMutableRawPointer?

  /// Allocates `count` bytes and lets `initialize` fill all of them.
  public init(
    count: Int, initializingWith initialize: (UnsafeMutableRawBufferPointer) throws -> Void
  ) rethrows {
    let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 64)
    let usable = UnsafeMutableRawBufferPointer(rebasing: memory[0..<count])
    do {
      try initialize(usable)
    } catch {
      memory.deallocate()
      throw error
    }
    bytes = UnsafeRawBufferPointer(usable)
    owner = nil
    allocation = memory.baseAddress
  }

  /// Borrows `bytes`, which stay valid while `owner` is alive (e.g. the memory-mapped
  /// checkpoint they point into).
  public init(borrowing bytes: UnsafeRawBufferPointer, keepingAlive owner: any Sendable) {
    self.bytes = bytes
    self.owner = owner
    allocation = nil
  }

  deinit {
    allocation?.deallocate()
  }
}
