/// The client's first message: who it is, which model and split it runs, which codec it speaks
/// and how the server should sample. The server answers HELLO_OK or a fatal ERROR.
///
///     "SLCR"              4 bytes  magic
///     version             u16      1
///     fingerprint         16 bytes the model's weights
///     model name          string
///     split               varint   the first layer the server runs
///     hidden size         varint   width of each hidden state
///     codec               string   e.g. "slicer:1e-3", "fp16"
///     sampling            33–37 bytes, as in SAMPLING
///     max tokens          varint   a hint, 0 = none
///     max reply bytes     varint   the client's frame limit, ≥ 2048
///     has auth            u8       0 or 1
///     [auth token]        string   when has auth = 1
public struct Hello: Equatable, Sendable {
  public var fingerprint: ModelFingerprint
  public var modelName: String
  public var split: Int
  public var hiddenSize: Int
  public var codec: String
  public var sampling: Sampling
  public var maximumTokens: Int
  public var maximumReplyBytes: Int
  public var authToken: String?

  public init(
    fingerprint: ModelFingerprint, modelName: String, split: Int, hiddenSize: Int, codec: String,
    sampling: Sampling = .greedy, maximumTokens: Int = 0,
    maximumReplyBytes: Int = WireLimits.defaultMaximumFrameBytes, authToken: String? = nil
  ) {
    self.fingerprint = fingerprint
    self.modelName = modelName
    self.split = split
    self.hiddenSize = hiddenSize
    self.codec = codec
    self.sampling = sampling
    self.maximumTokens = maximumTokens
    self.maximumReplyBytes = maximumReplyBytes
    self.authToken = authToken
  }

  func write(to w: inout ByteWriter) {
    w.bytes(WireLimits.magic)
    w.u16(WireLimits.version)
    w.bytes(fingerprint.bytes)
    w.string(modelName)
    w.varint(split)
    w.varint(hiddenSize)
    w.string(codec)
    sampling.write(to: &w)
    w.varint(maximumTokens)
    w.varint(maximumReplyBytes)
    w.byte(authToken == nil ? 0 : 1)
    if let authToken { w.string(authToken) }
  }

  init(reading r: inout ByteReader) throws(WireError) {
    try Self.readPreamble(&r, peer: "client", this: "server")
    guard let fingerprint = ModelFingerprint(try r.bytes(ModelFingerprint.byteCount, "fingerprint"))
    else { throw r.fail("fingerprint is not 16 bytes") }
    self.fingerprint = fingerprint
    modelName = try r.string("model name")
    split = try r.int("split", max: WireLimits.maximumTokenID)
    hiddenSize = try r.int("hidden size", max: WireLimits.maximumTokenID)
    codec = try r.string("codec")
    sampling = try Sampling(reading: &r)
    maximumTokens = try r.int("max tokens", max: WireLimits.maximumTokenID)
    maximumReplyBytes = try r.int("max reply bytes", max: Int(Int32.max))
    guard maximumReplyBytes >= WireLimits.minimumFrameBytes else {
      throw r.fail(
        "max reply bytes is \(maximumReplyBytes), below the minimum of \(WireLimits.minimumFrameBytes)"
      )
    }
    authToken = try r.bool("has auth") ? try r.string("auth token") : nil
    try r.expectEnd()
  }

  /// Checks the magic and the version, the two fields every version keeps in place, so a peer of
  /// another protocol or another version gets a clear error instead of a parse failure.
  static func readPreamble(_ r: inout ByteReader, peer: String, this: String) throws(WireError) {
    let start = r.offset
    guard r.remaining >= WireLimits.magic.count,
      let magic = try? r.bytes(WireLimits.magic.count, "magic"), magic == WireLimits.magic
    else {
      let seen = r.storage[start..<min(start + 4, r.end)]
      throw WireError(
        .badMagic,
        "the \(peer) does not speak the slicer protocol: its \(r.type.name) starts with "
          + "[\(seen.map { String($0, radix: 16) }.joined(separator: " "))], not \"SLCR\"")
    }
    let version = try r.u16("version")
    guard version == WireLimits.version else {
      throw WireError(
        .versionMismatch,
        "the \(peer) speaks protocol version \(version) but this \(this) speaks version "
          + "\(WireLimits.version); run the same slicer release on both sides")
    }
  }
}
