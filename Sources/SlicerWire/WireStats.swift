/// Frames and bytes that crossed the link, per message type and direction, for the step
/// statistics a client shows next to the codec's bit counts.
public struct WireStats: Equatable, Sendable {
  public struct Counter: Equatable, Sendable {
    public var frames = 0
    public var bytes = 0

    public init(frames: Int = 0, bytes: Int = 0) {
      self.frames = frames
      self.bytes = bytes
    }
  }

  public private(set) var sent: [WireMessageType: Counter] = [:]
  public private(set) var received: [WireMessageType: Counter] = [:]

  public init() {}

  public mutating func recordSent(_ type: WireMessageType, bytes: Int) {
    sent[type, default: Counter()].frames += 1
    sent[type, default: Counter()].bytes += bytes
  }

  public mutating func recordReceived(_ type: WireMessageType, bytes: Int) {
    received[type, default: Counter()].frames += 1
    received[type, default: Counter()].bytes += bytes
  }

  public var totalSent: Counter { Self.total(sent) }
  public var totalReceived: Counter { Self.total(received) }

  private static func total(_ counters: [WireMessageType: Counter]) -> Counter {
    counters.values.reduce(into: Counter()) {
      $0.frames += $1.frames
      $0.bytes += $1.bytes
    }
  }
}
