import SlicerCodec
import SlicerModel
import SlicerWire
import Synchronization

/// What every connection of one server shares: the model and its fingerprint, the limits, the
/// tail thread, the metrics and the session count.
final class SessionEnvironment: Sendable {
  let model: any DecoderModel
  let fingerprint: ModelFingerprint
  let configuration: ServerConfiguration
  let limits: ServerLimits
  let scheduler: ComputeScheduler
  let metrics: ServerMetrics
  private let openSessions = Mutex(0)

  init(
    model: any DecoderModel, fingerprint: ModelFingerprint, configuration: ServerConfiguration,
    scheduler: ComputeScheduler, metrics: ServerMetrics
  ) {
    self.model = model
    self.fingerprint = fingerprint
    self.configuration = configuration
    limits = ServerLimits(
      maximumFrameBytes: configuration.maximumFrameBytes,
      maximumContext: min(configuration.maximumContext, model.info.contextLength),
      idleTimeoutSeconds: configuration.idleTimeoutSeconds)
    self.scheduler = scheduler
    self.metrics = metrics
  }

  var sessionCount: Int { openSessions.withLock { $0 } }

  /// Takes a session slot; false when all `maximumSessions` are held.
  func acquireSession() -> Bool {
    let acquired = openSessions.withLock { count in
      guard count < configuration.maximumSessions else { return false }
      count += 1
      return true
    }
    if acquired {
      scheduler.sessionOpened()
      metrics.sessionOpened()
    }
    return acquired
  }

  func releaseSession() {
    openSessions.withLock { $0 -= 1 }
    scheduler.sessionClosed()
    metrics.sessionClosed()
  }

  /// The HELLO_OK for an accepted client.
  var helloOK: HelloOK {
    HelloOK(
      server: configuration.serverName, modelName: model.info.name,
      layerCount: model.info.layerCount, vocabularySize: model.info.vocabularySize,
      limits: limits)
  }

  /// Checks a HELLO against this server; the error (always closing) says what clashed.
  func check(_ hello: Hello) throws(WireError) -> CodecSpec {
    if let expected = configuration.authToken {
      guard let given = hello.authToken else {
        throw WireError(
          .unauthorized, "the server needs an auth token; pass the server's secret with --token")
      }
      guard Self.constantTimeEqual(Array(given.utf8), Array(expected.utf8)) else {
        throw WireError(
          .unauthorized, "the auth token is wrong; pass the server's secret with --token")
      }
    }
    let info = model.info
    guard hello.fingerprint == fingerprint else {
      throw WireError(
        .fingerprintMismatch,
        "the server runs \(info.name) (weights \(fingerprint.short)), the client "
          + "\(hello.modelName) (weights \(hello.fingerprint.short)); load the same checkpoint on both sides"
      )
    }
    guard (1..<info.layerCount).contains(hello.split) else {
      throw WireError(
        .badSplit,
        "split \(hello.split) is not in 1…\(info.layerCount - 1) for this \(info.layerCount)-layer model"
      )
    }
    guard hello.hiddenSize == info.hiddenSize else {
      throw WireError(
        .badSplit,
        "the client sends hidden states of width \(hello.hiddenSize) but \(info.name)'s are \(info.hiddenSize) wide"
      )
    }
    return try Self.codec(named: hello.codec)
  }

  /// A codec by its wire name, or `badCodec`.
  static func codec(named name: String) throws(WireError) -> CodecSpec {
    do {
      return try CodecSpec(parsing: name)
    } catch {
      throw WireError(
        .badCodec, "unknown codec \"\(name)\"; this server knows \(CodecSpec.validForms)")
    }
  }

  /// Compares secrets in time independent of where they differ.
  static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    var difference = UInt8(a.count == b.count ? 0 : 1)
    for i in 0..<max(a.count, b.count) {
      difference |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
    }
    return difference == 0
  }
}
