/// The server's limits for one session, announced in HELLO_OK. Going past one is answered with an
/// ERROR naming it: `frameTooLarge`, `contextFull`, `idleTimeout`.
public struct ServerLimits: Equatable, Sendable {
  /// The longest frame (type byte + payload) the server accepts; ≥ 2048.
  public var maximumFrameBytes: Int
  /// The most positions a session's context may hold before RESET.
  public var maximumContext: Int
  /// Seconds without a frame before the server closes the session; 0 = never.
  public var idleTimeoutSeconds: Int

  public init(maximumFrameBytes: Int, maximumContext: Int, idleTimeoutSeconds: Int) {
    self.maximumFrameBytes = maximumFrameBytes
    self.maximumContext = maximumContext
    self.idleTimeoutSeconds = idleTimeoutSeconds
  }
}

/// The server's answer to an accepted HELLO.
///
///     "SLCR"              4 bytes  magic
///     version             u16      1
///     server              string   software and version, e.g. "slicer 0.1.0"
///     model name          string
///     layer count         varint
///     vocabulary size     varint
///     max frame bytes     varint   ≥ 2048
///     max context         varint
///     idle timeout        varint   seconds, 0 = none
public struct HelloOK: Equatable, Sendable {
  public var server: String
  public var modelName: String
  public var layerCount: Int
  public var vocabularySize: Int
  public var limits: ServerLimits

  public init(
    server: String, modelName: String, layerCount: Int, vocabularySize: Int, limits: ServerLimits
  ) {
    self.server = server
    self.modelName = modelName
    self.layerCount = layerCount
    self.vocabularySize = vocabularySize
    self.limits = limits
  }

  func write(to w: inout ByteWriter) {
    w.bytes(WireLimits.magic)
    w.u16(WireLimits.version)
    w.string(server)
    w.string(modelName)
    w.varint(layerCount)
    w.varint(vocabularySize)
    w.varint(limits.maximumFrameBytes)
    w.varint(limits.maximumContext)
    w.varint(limits.idleTimeoutSeconds)
  }

  init(reading r: inout ByteReader) throws(WireError) {
    try Hello.readPreamble(&r, peer: "server", this: "client")
    server = try r.string("server")
    modelName = try r.string("model name")
    layerCount = try r.int("layer count", max: WireLimits.maximumTokenID)
    vocabularySize = try r.int("vocabulary size", max: WireLimits.maximumTokenID)
    let frameBytes = try r.int("max frame bytes", max: Int(Int32.max))
    guard frameBytes >= WireLimits.minimumFrameBytes else {
      throw r.fail(
        "max frame bytes is \(frameBytes), below the minimum of \(WireLimits.minimumFrameBytes)")
    }
    limits = ServerLimits(
      maximumFrameBytes: frameBytes,
      maximumContext: try r.int("max context", max: WireLimits.maximumTokenID),
      idleTimeoutSeconds: try r.int("idle timeout", max: Int(Int32.max)))
    try r.expectEnd()
  }
}
