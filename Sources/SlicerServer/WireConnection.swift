import SlicerWire

/// Why an exchange with the server failed.
enum ExchangeFailure: Error {
  /// The connection broke (reset, closed, timed out); a new one may succeed.
  case lost(String)
  /// The server sent an ERROR.
  case server(WireError)
  /// The server's bytes or answers make no sense.
  case violation(String)
  /// The server speaks another protocol or version.
  case incompatible(WireError)
}

/// One TCP connection speaking the protocol: frames out, frames in, every byte counted.
final class WireConnection {
  private let socket: BlockingSocket
  private var decoder: FrameDecoder
  private let meter: WireMeter
  private let timeout: Double

  init(
    endpoint: ServerEndpoint, connectTimeout: Double, replyTimeout: Double, maximumReplyBytes: Int,
    meter: WireMeter
  )
    throws(SocketError)
  {
    socket = try BlockingSocket(host: endpoint.host, port: endpoint.port, timeout: connectTimeout)
    decoder = FrameDecoder(maximumFrameBytes: maximumReplyBytes)
    self.meter = meter
    timeout = replyTimeout
  }

  func close() { socket.close() }

  /// Sends `messages` back to back (one write), so the server can pipeline them.
  func send(_ messages: [WireMessage]) throws(ExchangeFailure) {
    var bytes: [UInt8] = []
    for message in messages {
      let before = bytes.count
      message.encode(into: &bytes)
      meter.sent(message.type, bytes: bytes.count - before)
    }
    do {
      try socket.send(bytes, timeout: timeout)
    } catch {
      throw .lost("\(error)")
    }
  }

  /// The next message from the server; an ERROR frame is thrown as `.server`.
  func receive() throws(ExchangeFailure) -> WireMessage {
    while true {
      let frame: FrameDecoder.Frame?
      do throws(WireError) {
        frame = try decoder.nextFrame()
      } catch {
        let foreign = error.code == .versionMismatch || error.code == .badMagic
        throw foreign ? .incompatible(error) : .violation("\(error)")
      }
      if let frame {
        meter.received(frame.message.type, bytes: frame.byteCount)
        if case .error(let error) = frame.message { throw .server(error) }
        return frame.message
      }
      do {
        decoder.append(try socket.receive(timeout: timeout))
      } catch {
        throw .lost("\(error)")
      }
    }
  }
}
