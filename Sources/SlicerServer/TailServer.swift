import Foundation
import NIOCore
import NIOPosix
import SlicerModel
import SlicerWire
import Synchronization

/// `slicer serve`: a TCP server whose every connection is a tail session (docs/PROTOCOL.md).
///
///     listener ─► connection ─► [IdleStateHandler] ─► SessionHandler ─┐
///     listener ─► connection ─► [IdleStateHandler] ─► SessionHandler ─┼─► ComputeScheduler
///                                           …                          │   (one tail thread,
///                                                                      ┘    batches STEPs)
///
/// The event loops decode frames and codec payloads; the layers run on the scheduler's thread.
/// `start` binds and returns; `shutdown` stops gracefully (in-flight requests finish, every
/// session gets `shuttingDown`), `terminate` drops everything at once (as a crash would).
public final class TailServer: Sendable {
  public let configuration: ServerConfiguration
  public let fingerprint: ModelFingerprint
  public let metrics: ServerMetrics
  private let environment: SessionEnvironment
  private let scheduler: ComputeScheduler
  private let group: MultiThreadedEventLoopGroup
  private let state = Mutex(State())
  private let closed = DispatchSemaphore(value: 0)

  private struct State {
    var listener: (any Channel)?
    var metricsListener: (any Channel)?
    var sessions: [ObjectIdentifier: any Channel] = [:]
    var port: Int?
    var metricsPort: Int?
    var stopping = false
    var finished = false
  }

  /// `fingerprint` defaults to the model's own (`ModelFingerprint(model:)`).
  public init(
    model: any DecoderModel, configuration: ServerConfiguration,
    fingerprint: ModelFingerprint? = nil
  ) throws(ServerError) {
    try configuration.validate()
    self.configuration = configuration
    self.fingerprint = fingerprint ?? ModelFingerprint(model: model)
    metrics = ServerMetrics()
    scheduler = ComputeScheduler(
      batching: configuration.batching, windowMicroseconds: configuration.batchWindowMicroseconds,
      maximumBatch: configuration.maximumBatch, metrics: metrics)
    environment = SessionEnvironment(
      model: model, fingerprint: self.fingerprint, configuration: configuration,
      scheduler: scheduler, metrics: metrics)
    group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
  }

  /// The bound port (the OS's choice when configured as 0); nil before `start`.
  public var port: Int? { state.withLock { $0.port } }
  public var metricsPort: Int? { state.withLock { $0.metricsPort } }
  /// Sessions open now.
  public var sessionCount: Int { environment.sessionCount }

  /// Binds the protocol port (and the metrics port) and starts serving.
  public func start() throws(ServerError) {
    scheduler.start()
    let host = configuration.host
    do {
      let listener = try makeBootstrap().bind(host: host, port: configuration.port).wait()
      state.withLock {
        $0.listener = listener
        $0.port = listener.localAddress?.port
      }
    } catch {
      scheduler.stop()
      try? group.syncShutdownGracefully()
      throw .bindFailed(host: host, port: configuration.port, reason: "\(error)")
    }
    guard let metricsPort = configuration.metricsPort else { return }
    do {
      let metrics = self.metrics
      let listener = try ServerBootstrap(group: group)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .childChannelInitializer { channel in
          channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(metrics: metrics))
          }
        }
        .bind(host: host, port: metricsPort).wait()
      state.withLock {
        $0.metricsListener = listener
        $0.metricsPort = listener.localAddress?.port
      }
    } catch {
      terminate()
      throw .bindFailed(host: host, port: metricsPort, reason: "\(error)")
    }
  }

  private func makeBootstrap() -> ServerBootstrap {
    let environment = self.environment
    let idle = configuration.idleTimeoutSeconds
    return ServerBootstrap(group: group)
      .serverChannelOption(.backlog, value: 256)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
      .childChannelInitializer { [self] channel in
        let accepted = state.withLock { s -> Bool in
          guard !s.stopping else { return false }
          s.sessions[ObjectIdentifier(channel)] = channel
          return true
        }
        guard accepted else { return channel.close() }
        channel.closeFuture.whenComplete { [self] _ in
          _ = state.withLock { $0.sessions.removeValue(forKey: ObjectIdentifier(channel)) }
        }
        return channel.eventLoop.makeCompletedFuture {
          let pipeline = channel.pipeline.syncOperations
          if idle > 0 {
            try pipeline.addHandler(IdleStateHandler(readTimeout: .seconds(Int64(idle))))
          }
          try pipeline.addHandler(SessionHandler(environment: environment))
        }
      }
  }

  /// Stops gracefully: no new connections; each session finishes its running request, gets
  /// `shuttingDown` and is closed; after `grace` the stragglers are closed. Then the tail thread
  /// and the event loops stop. Safe to call more than once.
  public func shutdown(grace: Duration = .seconds(5)) {
    let (listeners, sessions) = beginStopping()
    for listener in listeners { try? listener.close().wait() }
    for session in sessions {
      session.pipeline.fireUserInboundEventTriggered(ServerShutdownEvent())
    }
    let deadline = ContinuousClock.now + grace
    for session in sessions {
      let remaining = deadline - ContinuousClock.now
      if remaining > .zero {
        let promise = session.eventLoop.makePromise(of: Void.self)
        session.closeFuture.cascade(to: promise)
        let timeout = session.eventLoop.scheduleTask(in: .nanoseconds(remaining.nanosecondsValue)) {
          promise.fail(ChannelError.ioOnClosedChannel)
        }
        _ = try? promise.futureResult.wait()
        timeout.cancel()
      }
      try? session.close().wait()
    }
    finish()
  }

  /// Stops at once: every connection is dropped without a word, as if the process died.
  public func terminate() {
    let (listeners, sessions) = beginStopping()
    for channel in listeners + sessions { try? channel.close().wait() }
    finish()
  }

  /// Blocks until the server has stopped (`shutdown` or `terminate` from another thread).
  public func waitUntilStopped() {
    closed.wait()
    closed.signal()
  }

  private func beginStopping() -> (listeners: [any Channel], sessions: [any Channel]) {
    state.withLock { s in
      s.stopping = true
      let listeners = [s.listener, s.metricsListener].compactMap { $0 }
      s.listener = nil
      s.metricsListener = nil
      return (listeners, Array(s.sessions.values))
    }
  }

  private func finish() {
    let first = state.withLock { s in
      defer { s.finished = true }
      return !s.finished
    }
    guard first else { return }
    scheduler.stop()
    try? group.syncShutdownGracefully()
    closed.signal()
  }
}

extension Duration {
  fileprivate var nanosecondsValue: Int64 {
    components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
  }
}
