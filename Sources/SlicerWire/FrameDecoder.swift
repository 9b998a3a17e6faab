/// Cuts a byte stream into frames and decodes them, fed incrementally as bytes arrive.
///
///     +----------------+--------+---------------------+
///     | length: varint | type   | payload             |
///     +----------------+--------+---------------------+
///      1–5 bytes        └──────── length bytes ───────┘
///
/// A small state machine in the manner of a length-field frame decoder: `waitingForHeader`
/// until the length varint is complete, then `waitingForFrame(length:)` until that many bytes are
/// buffered. Untrusted input is bounded before it costs anything:
/// - a length above `maximumFrameBytes` is an error as soon as the varint's groups read so far
///   exceed it — before the payload is waited for, let alone buffered (and so whatever the
///   chunking, the same bytes give the same error);
/// - an unknown type byte is an error as soon as it arrives (a stray HTTP or TLS client fails at
///   once rather than after kilobytes);
/// - inside a payload every count is bounded by the bytes left (see `ByteReader`).
///
/// After an error the stream has lost its framing: the decoder stays failed and `next()` throws
/// the same error again, and the connection should be closed (after sending that ERROR).
public struct FrameDecoder: Sendable {
  /// A decoded message and the number of bytes its frame took on the wire.
  public struct Frame: Equatable, Sendable {
    public var message: WireMessage
    public var byteCount: Int
  }

  private enum State: Sendable {
    case waitingForHeader
    /// The header took `headerBytes`; `length` more bytes (type + payload) make the frame.
    case waitingForFrame(headerBytes: Int, length: Int)
    case failed(WireError)
  }

  /// The longest frame (type byte + payload) this decoder accepts.
  public let maximumFrameBytes: Int
  private var state = State.waitingForHeader
  private var buffer: [UInt8] = []
  /// Bytes of `buffer` before `readIndex` are consumed; compacted lazily.
  private var readIndex = 0

  /// `maximumFrameBytes` must be at least `WireLimits.minimumFrameBytes`.
  public init(maximumFrameBytes: Int = WireLimits.defaultMaximumFrameBytes) {
    precondition(maximumFrameBytes >= WireLimits.minimumFrameBytes)
    self.maximumFrameBytes = maximumFrameBytes
  }

  /// Bytes received but not yet returned as a frame.
  public var bufferedByteCount: Int { buffer.count - readIndex }

  /// Whether the decoder has thrown and will throw again.
  public var hasFailed: Bool {
    if case .failed = state { return true }
    return false
  }

  public mutating func append(_ bytes: some Collection<UInt8>) {
    if case .failed = state { return }  // nothing more will be decoded; do not hold on to it
    if readIndex > 0 && readIndex >= buffer.count / 2 {
      buffer.removeSubrange(0..<readIndex)
      readIndex = 0
    }
    buffer.append(contentsOf: bytes)
  }

  /// The next complete message, or nil until more bytes arrive.
  public mutating func next() throws(WireError) -> WireMessage? {
    try nextFrame()?.message
  }

  /// The next complete message with its size on the wire, or nil until more bytes arrive.
  public mutating func nextFrame() throws(WireError) -> Frame? {
    do {
      return try step()
    } catch {
      state = .failed(error)
      buffer = []
      readIndex = 0
      throw error
    }
  }

  private mutating func step() throws(WireError) -> Frame? {
    switch state {
    case .failed(let error):
      throw error
    case .waitingForHeader:
      let limit = UInt64(maximumFrameBytes)
      switch Varint.decode(buffer, from: readIndex, to: buffer.count, limit: limit) {
      case .incomplete:
        return nil
      case .exceeds(let length):
        throw WireError(
          .frameTooLarge,
          "a frame of at least \(length) bytes exceeds this side's limit of \(maximumFrameBytes) "
            + "bytes per frame")
      case .invalid(let why):
        throw WireError.malformed(nil, "the frame length is invalid: \(why)")
      case .value(let value, let headerBytes):
        guard value >= 1 else {
          throw WireError.malformed(nil, "a frame has length 0 (no type byte)")
        }
        state = .waitingForFrame(headerBytes: headerBytes, length: Int(value))
        return try step()
      }
    case .waitingForFrame(let headerBytes, let length):
      let start = readIndex + headerBytes
      guard start < buffer.count else { return nil }
      guard let type = WireMessageType(rawValue: buffer[start]) else {
        let hex = String(buffer[start], radix: 16)
        throw WireError(
          .unknownMessageType,
          "unknown message type 0x\(hex): the peer does not speak slicer protocol version \(WireLimits.version)"
        )
      }
      guard buffer.count - start >= length else { return nil }
      let message = try WireMessage.decode(type: type, buffer, from: start + 1, to: start + length)
      readIndex = start + length
      state = .waitingForHeader
      return Frame(message: message, byteCount: headerBytes + length)
    }
  }
}
