import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A tiny blocking HTTP/1.1 server on 127.0.0.1 for the download tests: it serves files from
/// memory, one connection at a time, each closed after one answer.
///
/// It honours `Range: bytes=N-` (206, or 416 past the end) unless `ignoresRange`, can cut the
/// next answer for a path after K body bytes (a broken transfer), can redirect a path, and
/// records every request it saw. State is guarded by `lock`: the test thread configures it
/// while the server thread answers.
final class LoopbackHTTPServer: @unchecked Sendable {
  struct Request: Equatable {
    var path: String
    /// The `Range` header's value, if the request had one.
    var range: String?
  }

  let port: UInt16
  private let listener: Int32
  private let lock = NSLock()
  private var files: [String: [UInt8]]
  private var cuts: [String: Int] = [:]
  private var redirects: [String: String] = [:]
  private var ignoring = false
  private var log: [Request] = []
  private var stopped = false

  /// Starts listening on a port the OS picks. `files` maps paths ("/config.json") to bodies.
  init(files: [String: [UInt8]]) throws {
    self.files = files
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw ServerError.socket("socket", errno) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0  // let the OS choose
    address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian  // 127.0.0.1
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0, listen(fd, 16) == 0 else {
      close(fd)
      throw ServerError.socket("bind/listen", errno)
    }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    listener = fd
    port = UInt16(bigEndian: address.sin_port)
    let thread = Thread { [self] in acceptLoop() }
    thread.start()
  }

  deinit { stop() }

  var baseURL: URL { URL(string: "http://127.0.0.1:\(port)/")! }

  func url(_ path: String) -> URL { URL(string: "http://127.0.0.1:\(port)\(path)")! }

  var requests: [Request] { lock.withLock { log } }

  /// Answers range requests with the whole file (200), like servers without range support.
  var ignoresRange: Bool {
    get { lock.withLock { ignoring } }
    set { lock.withLock { ignoring = newValue } }
  }

  /// The next answer for `path` announces the full length but closes after `bytes` body bytes.
  func cutNextResponse(for path: String, after bytes: Int) {
    lock.withLock { cuts[path] = bytes }
  }

  /// Answers `path` with 302 and `Location: target`.
  func redirect(_ path: String, to target: String) {
    lock.withLock { redirects[path] = target }
  }

  func setFile(_ path: String, _ body: [UInt8]) {
    lock.withLock { files[path] = body }
  }

  func stop() {
    let first = lock.withLock {
      defer { stopped = true }
      return !stopped
    }
    guard first else { return }
    // Wakes the thread blocked in accept(2), which then sees `stopped` and returns.
    shutdown(listener, Int32(SHUT_RDWR))
    close(listener)
  }

  // MARK: Serving

  private func acceptLoop() {
    while true {
      let client = accept(listener, nil, nil)
      if client < 0 {
        if lock.withLock({ stopped }) { return }
        if errno == EINTR { continue }
        return
      }
      serve(client)
      close(client)
    }
  }

  private func serve(_ client: Int32) {
    guard let head = readHead(client) else { return }
    let lines = head.components(separatedBy: "\r\n")
    let requestLine = lines.first?.split(separator: " ") ?? []
    guard requestLine.count >= 2 else { return }
    let path = String(requestLine[1])
    var range: String?
    for line in lines.dropFirst() {
      guard let colon = line.firstIndex(of: ":") else { continue }
      if line[..<colon].lowercased() == "range" {
        range = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      }
    }
    let (body, cut, location, ignoring) = lock.withLock {
      log.append(Request(path: path, range: range))
      let cut = cuts.removeValue(forKey: path)
      return (files[path], cut, redirects[path], self.ignoring)
    }

    if let location {
      send(client, head: "302 Found", headers: ["Location: \(location)", "Content-Length: 0"])
      return
    }
    guard let body else {
      send(client, head: "404 Not Found", headers: ["Content-Length: 0"])
      return
    }
    var start = 0
    if let range, !ignoring {
      guard range.hasPrefix("bytes="), range.hasSuffix("-"),
        let from = Int(range.dropFirst("bytes=".count).dropLast())
      else {
        send(client, head: "400 Bad Request", headers: ["Content-Length: 0"])
        return
      }
      guard from < body.count else {
        send(
          client, head: "416 Range Not Satisfiable",
          headers: ["Content-Range: bytes */\(body.count)", "Content-Length: 0"])
        return
      }
      start = from
    }
    let slice = Array(body[start...])
    var headers = ["Content-Length: \(slice.count)", "Content-Type: application/octet-stream"]
    if start > 0 {
      headers.append("Content-Range: bytes \(start)-\(body.count - 1)/\(body.count)")
    }
    let sent = cut.map { min($0, slice.count) } ?? slice.count
    send(
      client, head: start > 0 ? "206 Partial Content" : "200 OK", headers: headers,
      body: slice[0..<sent])
  }

  /// Reads up to the blank line that ends the request head (GET requests have no body).
  private func readHead(_ client: Int32) -> String? {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    let end: [UInt8] = Array("\r\n\r\n".utf8)
    while bytes.count < 65536 {
      let n = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
      if n <= 0 { return nil }
      bytes += buffer[0..<n]
      if bytes.count >= 4, bytes.suffix(4).elementsEqual(end) { break }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  private func send(
    _ client: Int32, head: String, headers: [String], body: ArraySlice<UInt8> = []
  ) {
    let text = (["HTTP/1.1 \(head)"] + headers + ["Connection: close", "", ""])
      .joined(separator: "\r\n")
    writeAll(client, Array(text.utf8)[...])
    writeAll(client, body)
  }

  private func writeAll(_ client: Int32, _ bytes: ArraySlice<UInt8>) {
    var rest = bytes
    while !rest.isEmpty {
      let n = rest.withUnsafeBytes {
        Glibc.send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
      }
      if n <= 0 { return }
      rest = rest.dropFirst(n)
    }
  }

  enum ServerError: Error {
    case socket(String, Int32)
  }
}
