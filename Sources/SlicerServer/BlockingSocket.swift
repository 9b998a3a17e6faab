import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A connected TCP socket with blocking reads and writes, each bounded by a timeout — all the
/// client needs, since the generation loop waits for every reply anyway.
final class BlockingSocket {
  private var descriptor: Int32

  /// Connects to `host:port` within `timeout` seconds (tries each address `host` resolves to).
  init(host: String, port: Int, timeout: Double) throws(SocketError) {
    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    #if canImport(Glibc)
      hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    #else
      hints.ai_socktype = SOCK_STREAM
    #endif
    var list: UnsafeMutablePointer<addrinfo>?
    let status = getaddrinfo(host, String(port), &hints, &list)
    guard status == 0, let first = list else {
      throw .resolve(host: host, reason: String(cString: gai_strerror(status)))
    }
    defer { freeaddrinfo(list) }
    var lastError = SocketError.connect(reason: "no address")
    var entry: UnsafeMutablePointer<addrinfo>? = first
    while let info = entry {
      entry = info.pointee.ai_next
      let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
      guard fd >= 0 else {
        lastError = .connect(reason: Self.errorText())
        continue
      }
      do {
        try Self.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen, timeout: timeout)
        descriptor = fd
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        #if canImport(Darwin)
          setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        return
      } catch {
        _ = Glibc.close(fd)
        lastError = error
      }
    }
    throw lastError
  }

  deinit { close() }

  func close() {
    guard descriptor >= 0 else { return }
    _ = Glibc.close(descriptor)
    descriptor = -1
  }

  /// Writes all of `bytes` or throws (never raises SIGPIPE).
  func send(_ bytes: [UInt8], timeout: Double) throws(SocketError) {
    var offset = 0
    while offset < bytes.count {
      try wait(for: Int16(POLLOUT), timeout: timeout)
      let sent = bytes.withUnsafeBytes { raw in
        #if canImport(Glibc)
          Glibc.send(descriptor, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
        #else
          Darwin.send(descriptor, raw.baseAddress! + offset, raw.count - offset, 0)
        #endif
      }
      if sent < 0 {
        if errno == EINTR || errno == EAGAIN { continue }
        throw .io(reason: Self.errorText())
      }
      offset += sent
    }
  }

  /// Some bytes (at most `maximum`), waiting up to `timeout` seconds; throws `.closed` at the end
  /// of the stream.
  func receive(maximum: Int = 65536, timeout: Double) throws(SocketError) -> [UInt8] {
    try wait(for: Int16(POLLIN), timeout: timeout)
    var buffer = [UInt8](repeating: 0, count: maximum)
    while true {
      let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, maximum, 0) }
      if count > 0 { return Array(buffer[..<count]) }
      if count == 0 { throw .closed }
      if errno == EINTR { continue }
      throw .io(reason: Self.errorText())
    }
  }

  private func wait(for events: Int16, timeout: Double) throws(SocketError) {
    guard descriptor >= 0 else { throw .closed }
    let deadline = ContinuousClock.now + .milliseconds(Int64(max(timeout, 0) * 1000))
    while true {
      let left = deadline - ContinuousClock.now
      let milliseconds = max(
        0,
        Int32(
          clamping: left.components.seconds * 1000 + left.components.attoseconds
            / 1_000_000_000_000_000))
      var request = pollfd(fd: descriptor, events: events, revents: 0)
      let ready = poll(&request, 1, milliseconds)
      if ready > 0 { return }  // readable, writable, or an error/hang-up the next call reports
      if ready == 0 { throw .timedOut(seconds: timeout) }
      if errno != EINTR { throw .io(reason: Self.errorText()) }
    }
  }

  private static func connect(
    _ fd: Int32, _ address: UnsafeMutablePointer<sockaddr>?, _ length: socklen_t, timeout: Double
  ) throws(SocketError) {
    let flags = fcntl(fd, F_GETFL, 0)
    _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
    if Glibc.connect(fd, address, length) != 0 {
      guard errno == EINPROGRESS else { throw .connect(reason: errorText()) }
      var request = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
      let ready = poll(&request, 1, Int32(clamping: Int(timeout * 1000)))
      guard ready > 0 else {
        throw ready == 0 ? .timedOut(seconds: timeout) : .connect(reason: errorText())
      }
      var error: Int32 = 0
      var size = socklen_t(MemoryLayout<Int32>.size)
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size)
      guard error == 0 else { throw .connect(reason: String(cString: strerror(error))) }
    }
    _ = fcntl(fd, F_SETFL, flags)
  }

  private static func errorText() -> String { String(cString: strerror(errno)) }
}

/// A socket failure, in words.
enum SocketError: Error, Equatable, CustomStringConvertible {
  case resolve(host: String, reason: String)
  case connect(reason: String)
  case timedOut(seconds: Double)
  case io(reason: String)
  case closed

  var description: String {
    switch self {
    case .resolve(let host, let reason): "cannot resolve \(host): \(reason)"
    case .connect(let reason): reason.lowercased()
    case .timedOut(let seconds): "no answer within \(Self.format(seconds)) s"
    case .io(let reason): reason.lowercased()
    case .closed: "the connection was closed"
    }
  }

  private static func format(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
  }
}
