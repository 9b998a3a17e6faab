import SlicerWire
import Synchronization

/// What a remote tail put on the wire and got back: totals per message type (`WireStats`) and
/// the bytes of the last request, so a client can show a step's bytes next to its codec bits.
public final class WireMeter: Sendable {
  /// One request and its replies.
  public struct Exchange: Equatable, Sendable {
    public var sentBytes = 0
    public var receivedBytes = 0
    public var sentFrames = 0
    public var receivedFrames = 0
  }

  private struct State {
    var stats = WireStats()
    var last = Exchange()
    var current = Exchange()
    var reconnects = 0
  }

  private let state = Mutex(State())

  public init() {}

  public var stats: WireStats { state.withLock { $0.stats } }
  /// The last finished request (with everything a reconnect had to replay for it).
  public var lastExchange: Exchange { state.withLock { $0.last } }
  /// Times the connection was rebuilt after the server went away.
  public var reconnects: Int { state.withLock { $0.reconnects } }

  func sent(_ type: WireMessageType, bytes: Int) {
    state.withLock {
      $0.stats.recordSent(type, bytes: bytes)
      $0.current.sentBytes += bytes
      $0.current.sentFrames += 1
    }
  }

  func received(_ type: WireMessageType, bytes: Int) {
    state.withLock {
      $0.stats.recordReceived(type, bytes: bytes)
      $0.current.receivedBytes += bytes
      $0.current.receivedFrames += 1
    }
  }

  func finishExchange() {
    state.withLock {
      $0.last = $0.current
      $0.current = Exchange()
    }
  }

  func reconnected() { state.withLock { $0.reconnects += 1 } }
}
