import Foundation
import Prometheus
import SlicerWire
import Synchronization

/// What the server counts, in two forms: Prometheus collectors (`slicer_*`, served as text on
/// `--metrics-port`) and a plain `ServerStatistics` snapshot for benchmarks and tests.
///
/// | metric | type | meaning |
/// | --- | --- | --- |
/// | `slicer_sessions` | gauge | sessions open now |
/// | `slicer_sessions_total` | counter | sessions opened (HELLO accepted) |
/// | `slicer_tokens_total` | counter | tokens sampled (TOKEN replies) |
/// | `slicer_positions_total` | counter | hidden states received (PREFILL, STEP, SCORE positions) |
/// | `slicer_payload_bits_received_total` | counter | codec bits received (8 × payload bytes) |
/// | `slicer_wire_bytes_received_total`, `…_sent_total` | counter | whole frames, both directions |
/// | `slicer_tail_compute_seconds` | histogram | tail compute per job (batch time shared by its rows) |
/// | `slicer_batch_rows` | histogram | rows per run of the tail (1 = unbatched) |
/// | `slicer_errors_total{code}` | counter | ERROR frames sent, by code |
public final class ServerMetrics: Sendable {
  public let registry: PrometheusCollectorRegistry
  private let sessions: Gauge
  private let sessionsTotal: Counter
  private let tokens: Counter
  private let positions: Counter
  private let bitsReceived: Counter
  private let bytesReceived: Counter
  private let bytesSent: Counter
  private let computeSeconds: DurationHistogram
  private let batchRows: ValueHistogram
  private let statistics = Mutex(ServerStatistics())

  public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
    self.registry = registry
    func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
      MetricNameDescriptor(namespace: "slicer", metricName: metric, unitName: unit, helpText: help)
    }
    sessions = registry.makeGauge(descriptor: name("sessions", "", "Sessions open now."))
    sessionsTotal = registry.makeCounter(
      descriptor: name("sessions", "total", "Sessions opened (HELLO accepted)."))
    tokens = registry.makeCounter(descriptor: name("tokens", "total", "Tokens sampled."))
    positions = registry.makeCounter(
      descriptor: name("positions", "total", "Hidden states received."))
    bitsReceived = registry.makeCounter(
      descriptor: name("payload_bits_received", "total", "Codec payload bits received."))
    bytesReceived = registry.makeCounter(
      descriptor: name("wire_bytes_received", "total", "Frame bytes received."))
    bytesSent = registry.makeCounter(
      descriptor: name("wire_bytes_sent", "total", "Frame bytes sent."))
    computeSeconds = registry.makeDurationHistogram(
      descriptor: name("tail_compute", "seconds", "Tail compute time per job."),
      buckets: [
        .microseconds(100), .microseconds(500), .milliseconds(1), .milliseconds(2),
        .milliseconds(5), .milliseconds(10), .milliseconds(20), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .seconds(1), .seconds(5),
      ])
    batchRows = registry.makeValueHistogram(
      descriptor: name("batch", "rows", "Rows per run of the tail."),
      buckets: [1, 2, 4, 8, 16, 32, 64, 128])
  }

  /// The Prometheus text exposition of every metric.
  public func exposition() -> String { registry.emitToString() }

  public var snapshot: ServerStatistics { statistics.withLock { $0 } }

  func sessionOpened() {
    sessions.increment()
    sessionsTotal.increment()
    statistics.withLock { $0.sessionsOpened += 1 }
  }

  func sessionClosed() { sessions.decrement() }

  func received(frameBytes: Int, positions count: Int, payloadBytes: Int) {
    bytesReceived.increment(by: Int64(frameBytes))
    if count > 0 {
      positions.increment(by: Int64(count))
      bitsReceived.increment(by: Int64(8 * payloadBytes))
    }
    statistics.withLock {
      $0.bytesReceived += frameBytes
      $0.positions += count
      $0.payloadBitsReceived += 8 * payloadBytes
    }
  }

  func sent(frameBytes: Int, tokens count: Int) {
    bytesSent.increment(by: Int64(frameBytes))
    if count > 0 { tokens.increment(by: Int64(count)) }
    statistics.withLock {
      $0.bytesSent += frameBytes
      $0.tokens += count
    }
  }

  func recordBatch(size: Int, seconds: Double) {
    batchRows.record(Double(size))
    let share = Duration.nanoseconds(Int64(seconds * 1e9 / Double(max(size, 1))))
    for _ in 0..<size { computeSeconds.record(share) }
    statistics.withLock {
      $0.computeSeconds += seconds
      $0.runs += 1
      $0.rows += size
      if size > 1 { $0.batchedRows += size }
    }
  }

  func error(_ code: WireErrorCode) {
    registry.makeCounter(
      descriptor: MetricNameDescriptor(
        namespace: "slicer", metricName: "errors", unitName: "total",
        helpText: "ERROR frames sent, by code."),
      labels: [("code", code.description)]
    ).increment()
    statistics.withLock { $0.errors[code.description, default: 0] += 1 }
  }
}

/// Totals since the server started.
public struct ServerStatistics: Sendable, Equatable {
  public var sessionsOpened = 0
  public var tokens = 0
  public var positions = 0
  public var payloadBitsReceived = 0
  public var bytesReceived = 0
  public var bytesSent = 0
  /// Wall time the tail thread spent computing.
  public var computeSeconds = 0.0
  /// Runs of the tail, and the jobs (rows) they served; `batchedRows` counts those in runs of 2+.
  public var runs = 0
  public var rows = 0
  public var batchedRows = 0
  /// ERROR frames sent, by code name.
  public var errors: [String: Int] = [:]
}
