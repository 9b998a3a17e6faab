import Foundation
import SlicerWire

@testable import SlicerServer

#if canImport(Glibc)
  import Glibc
#endif

/// A client that sends whatever bytes a test gives it and reads back frames.
final class RawClient {
  let socket: BlockingSocket
  private var decoder = FrameDecoder(maximumFrameBytes: 1 << 24)

  init(_ endpoint: ServerEndpoint) throws {
    socket = try BlockingSocket(host: endpoint.host, port: endpoint.port, timeout: 5)
  }

  func send(_ bytes: [UInt8]) throws { try socket.send(bytes, timeout: 5) }
  func send(_ message: WireMessage) throws { try send(message.encode()) }

  /// The next frame, or nil at the end of the stream.
  func receive(timeout: Double = 30) throws -> WireMessage? {
    while true {
      if let message = try decoder.next() { return message }
      let bytes: [UInt8]
      do {
        bytes = try socket.receive(timeout: timeout)
      } catch {
        if Self.isEndOfStream(error) { return nil }
        throw error
      }
      decoder.append(bytes)
    }
  }

  static func isEndOfStream(_ error: SocketError) -> Bool {
    switch error {
    case .closed: true
    case .io(let reason): reason.contains("reset")
    default: false
    }
  }

  /// Sends `message` and returns the reply.
  func request(_ message: WireMessage) throws -> WireMessage? {
    try send(message)
    return try receive()
  }

  /// Reads an ERROR and then the end of the stream: the server answered and closed.
  func expectClosingError() throws -> WireError? {
    guard case .error(let error)? = try receive() else { return nil }
    guard try receive() == nil else { return nil }
    return error
  }
}

/// A TCP listener on a free loopback port that answers its first connection with fixed bytes
/// (a foreign or future server).
final class FakeServer: @unchecked Sendable {
  let port: Int
  private let descriptor: Int32

  init(reply: [UInt8]) throws {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    descriptor = fd
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    listen(fd, 4)
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    port = Int(UInt16(bigEndian: address.sin_port))
    Thread.detachNewThread {
      let client = accept(fd, nil, nil)
      guard client >= 0 else { return }
      var buffer = [UInt8](repeating: 0, count: 4096)
      _ = recv(client, &buffer, buffer.count, 0)  // the HELLO
      _ = reply.withUnsafeBytes {
        Glibc.send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
      }
      Thread.sleep(forTimeInterval: 0.5)
      close(client)
    }
  }

  deinit { close(descriptor) }
}
