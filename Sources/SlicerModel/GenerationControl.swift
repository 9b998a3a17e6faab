import Foundation
import SlicerCodec

/// Requests that reach a running generation from outside it (a key press in the TUI, Ctrl-C):
/// stop, or change the codec or split from the next step on. Thread-safe; the generation loop
/// polls it once per step.
public final class GenerationControl: @unchecked Sendable {
  private let lock = NSLock()
  private var stop = false
  private var codec: CodecSpec?
  private var split: Int?

  public init() {}

  public func requestStop() { locked { stop = true } }
  public func requestCodec(_ spec: CodecSpec) { locked { codec = spec } }
  public func requestSplit(_ split: Int) { locked { self.split = split } }

  public var isStopRequested: Bool { locked { stop } }

  /// Takes (and clears) a pending codec change.
  public func takeCodec() -> CodecSpec? {
    locked {
      defer { codec = nil }
      return codec
    }
  }

  /// Takes (and clears) a pending split change.
  public func takeSplit() -> Int? {
    locked {
      defer { split = nil }
      return split
    }
  }

  /// Clears a stop request (a new turn starts).
  public func clearStop() { locked { stop = false } }

  private func locked<T>(_ body: () -> T) -> T {
    lock.lock()
    defer { lock.unlock() }
    return body()
  }
}
