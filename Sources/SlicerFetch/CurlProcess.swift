import Foundation

/// The `curl` command-line program running one GET, its output (header blocks, then the body;
/// see `ResponseHead`) read from a pipe as it arrives.
///
/// curl does the HTTP, TLS and redirects, so the binary needs no URLSession: linking
/// FoundationNetworking would map libcurl, gnutls, krb5 and some thirty other libraries
/// (≈ 6 MiB of resident memory) into every `slicer` command, fetching or not.
///
/// The lock guards only the launch/cancel/exit flags: `cancel()` comes from another task.
final class CurlProcess: @unchecked Sendable {
  /// How curl ended.
  struct Exit {
    /// curl's exit status (0: success; see `reason`); nil when ended by a signal.
    var status: Int32?
    /// curl's own message on stderr, without its `curl: (N) ` prefix.
    var message: String
    var cancelled: Bool
  }

  private let process = Process()
  private let output = Pipe()
  private let errors = Pipe()
  private let exited = DispatchSemaphore(value: 0)
  private let lock = NSLock()
  private var launched = false
  private var ended = false
  private var cancelled = false
  private var exit: Exit?

  /// `arguments` follow `curl`; the program is looked up on PATH.
  init(arguments: [String]) {
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["curl"] + arguments
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = output
    process.standardError = errors
    process.terminationHandler = { [weak self, exited] _ in
      self?.lock.withLock { self?.ended = true }
      exited.signal()
    }
  }

  /// Starts curl; a task cancelled before that gets `.cancelled` without a process.
  func start(url: URL) throws {
    try lock.withLock {
      if cancelled {
        throw FetchError.interrupted(url: url, bytesOnDisk: 0, reason: "cancelled")
      }
      do {
        try process.run()
      } catch {
        throw FetchError.toolFailed(command: "curl", status: -1, output: "\(error)")
      }
      launched = true
    }
  }

  /// The next bytes curl wrote (blocking until there are some); nil at the end of its output.
  func read() -> Data? {
    guard let data = try? output.fileHandleForReading.read(upToCount: 1 << 16), !data.isEmpty
    else { return nil }
    return data
  }

  /// Waits for curl to exit (after its output ended, or after `stop()`).
  func wait() -> Exit {
    if let exit { return exit }
    exited.wait()
    let stderr = (try? errors.fileHandleForReading.readToEnd()) ?? Data()
    var message = String(decoding: stderr, as: UTF8.self)
      .split(separator: "\n").last.map(String.init) ?? ""
    // "curl: (7) Failed to connect to 127.0.0.1 port 9: Connection refused"
    if message.hasPrefix("curl: ("), let close = message.firstIndex(of: ")") {
      message = String(message[message.index(after: close)...]).trimmingCharacters(in: .whitespaces)
    }
    let ended = Exit(
      status: process.terminationReason == .exit ? process.terminationStatus : nil,
      message: message, cancelled: lock.withLock { cancelled })
    exit = ended
    return ended
  }

  /// Ends curl early (the answer was refused or is complete enough) and reaps it.
  func stop() {
    try? output.fileHandleForReading.close()
    lock.withLock {
      if launched && !ended { process.terminate() }
    }
    if lock.withLock({ launched }) { _ = wait() }
  }

  /// Called from the task's cancellation handler: terminates curl, whose output then ends.
  func cancel() {
    lock.withLock {
      cancelled = true
      if launched && !ended { process.terminate() }
    }
  }
}

extension CurlProcess.Exit {
  /// A reason a user can read for a failed exit, in the words the fetch errors use.
  var reason: String {
    if cancelled { return "cancelled" }
    guard let status else { return "curl was killed" }
    switch status {
    case 5: return "proxy host name not found"
    case 6: return "host name not found"
    case 7:
      if message.contains("No route to host") { return "no route to host" }
      if message.contains("Network is unreachable") { return "no network connection" }
      return "connection refused"
    case 18: return "the body ended early"
    case 28: return "timed out"
    case 35: return "TLS handshake failed"
    case 47: return "too many redirects"
    case 52: return "the server closed the connection without answering"
    case 16, 55, 56, 92: return "connection lost"
    case 51, 60: return "the server's TLS certificate is not trusted"
    default: return message.isEmpty ? "curl exited with status \(status)" : message
    }
  }

  /// `/usr/bin/env` exits 127 when there is no `curl` on PATH.
  var curlMissing: Bool { status == 127 }
}
