import Foundation

/// One HTTP GET of a file into its `.part` file, streamed to disk as the bytes arrive.
///
/// With `offset > 0` it asks for `Range: bytes=offset-` and appends; the final answer (after
/// redirects) decides:
///
///     206 Partial Content, Content-Range starts at offset → append, hash prefix + new bytes
///     200 OK (server ignored the range)                    → truncate, write from byte 0
///     416 Range Not Satisfiable                            → `.rangeNotSatisfiable(length)`
///     anything else                                        → `FetchError.httpStatus`
///
/// The bytes are hashed as they are written, so a finished transfer needs no second read.
/// The HTTP itself is done by the `curl` program (`CurlProcess`); its output is read on a
/// dispatch thread, since the reads block, and all mutable state lives on that thread.
struct Transfer: Sendable {
  enum Outcome {
    /// The body ended normally; the `.part` file holds `bytes` bytes with sha256 `digest`.
    case completed(bytes: Int64, digest: String, resumedFrom: Int64)
    /// The server said the range starts past the end; `completeLength` is its file size.
    case rangeNotSatisfiable(completeLength: Int64?)
  }

  /// Redirects followed at most (Hugging Face needs one, to its CDN).
  static let maxRedirects = 10

  private let url: URL
  private let part: URL
  private let offset: Int64
  private let progressStep: Int64
  private let progress: @Sendable (DownloadProgress) -> Void

  init(
    url: URL, part: URL, offset: Int64, progressStep: Int64,
    progress: @escaping @Sendable (DownloadProgress) -> Void
  ) {
    self.url = url
    self.part = part
    self.offset = offset
    self.progressStep = max(1, progressStep)
    self.progress = progress
  }

  func run(idleTimeout: TimeInterval) async throws -> Outcome {
    let curl = CurlProcess(arguments: arguments(idleTimeout: idleTimeout))
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
          continuation.resume(with: Result { try self.receive(from: curl) })
        }
      }
    } onCancel: {
      curl.cancel()
    }
  }

  /// curl's command line: headers then body on stdout, errors as one line on stderr.
  func arguments(idleTimeout: TimeInterval) -> [String] {
    let seconds = String(max(1, Int(idleTimeout.rounded(.up))))
    var arguments = [
      "-q",  // first: ignore any ~/.curlrc
      "--silent", "--show-error", "--globoff",
      "--location", "--max-redirs", String(Self.maxRedirects),
      "--proto", "=http,https", "--proto-redir", "=http,https",
      "--dump-header", "-", "--suppress-connect-headers",
      // No byte for `seconds` (speed below 1 B/s) ends the transfer: an idle timeout.
      "--connect-timeout", seconds, "--speed-limit", "1", "--speed-time", seconds,
      // The bytes on disk must be the file's bytes, not a compressed encoding of them.
      "--header", "Accept-Encoding: identity",
      "--header", "User-Agent: slicer-fetch",
    ]
    // Sent again on every redirect hop, so the CDN sees the range too.
    if offset > 0 { arguments += ["--header", "Range: bytes=\(offset)-"] }
    return arguments + ["--url", url.absoluteString]
  }

  // MARK: Reading curl's output

  private func receive(from curl: CurlProcess) throws -> Outcome {
    try curl.start(url: url)
    defer { curl.stop() }

    var pending: [UInt8] = []
    guard let head = try finalHead(from: curl, pending: &pending) else {
      let exit = curl.wait()
      if exit.status == 0 {
        throw FetchError.invalidResponse(url: url, reason: "curl returned no HTTP answer")
      }
      throw failure(exit, bytesOnDisk: nil)
    }
    var sink: Sink
    switch try accept(head) {
    case .early(let outcome): return outcome
    case .write(let opened): sink = opened
    }
    defer { sink.close() }

    progress(sink.report)
    try sink.write(pending[...])
    while let chunk = curl.read() {
      try sink.write(chunk)
      if sink.written - sink.lastReported >= progressStep { progress(sink.report) }
    }
    let exit = curl.wait()
    try sink.flush()
    if exit.status != 0 || exit.cancelled { throw failure(exit, bytesOnDisk: sink.written) }
    if let total = sink.total, sink.written != total {
      // A body shorter than announced that curl did not flag: keep it, a rerun resumes.
      throw sink.written < total
        ? FetchError.interrupted(url: url, bytesOnDisk: sink.written, reason: "the body ended early")
        : FetchError.invalidResponse(
          url: url, reason: "received \(sink.written) bytes of a \(total)-byte file")
    }
    progress(sink.report)
    return .completed(bytes: sink.written, digest: sink.hasher.hex, resumedFrom: sink.resumedFrom)
  }

  /// Reads header blocks until the one curl does not follow; leaves the bytes after it (the
  /// body's start) in `pending`. Nil when curl's output ended first.
  private func finalHead(from curl: CurlProcess, pending: inout [UInt8]) throws -> ResponseHead? {
    var blocks = 0
    while true {
      if let end = ResponseHead.end(in: pending) {
        guard let head = ResponseHead(pending[..<end]) else {
          throw FetchError.invalidResponse(url: url, reason: "malformed HTTP header block")
        }
        pending.removeFirst(end)
        blocks += 1
        // Each redirect, plus a few interim 1xx answers.
        guard blocks <= Self.maxRedirects + 4 else {
          throw FetchError.invalidResponse(url: url, reason: "too many header blocks")
        }
        if !head.isFollowed { return head }
        continue
      }
      guard pending.count <= ResponseHead.maxBytes else {
        throw FetchError.invalidResponse(
          url: url, reason: "HTTP header block longer than \(ResponseHead.maxBytes) bytes")
      }
      guard let chunk = curl.read() else { return nil }
      pending.append(contentsOf: chunk)
    }
  }

  private enum Acceptance {
    case early(Outcome)
    case write(Sink)
  }

  /// Checks the final answer's status and headers and opens the `.part` file accordingly.
  private func accept(_ head: ResponseHead) throws -> Acceptance {
    let contentRange = head.value("Content-Range").map(ContentRange.init)
    if let encoding = head.value("Content-Encoding"), encoding.lowercased() != "identity" {
      throw FetchError.invalidResponse(
        url: url, reason: "the body is \(encoding)-encoded although identity was asked for")
    }
    switch head.status {
    case 206:
      guard let range = contentRange ?? nil, let first = range.first, let last = range.last else {
        throw FetchError.invalidResponse(url: url, reason: "206 without a usable Content-Range")
      }
      guard first == offset else {
        throw FetchError.invalidResponse(
          url: url, reason: "asked for bytes from \(offset), got bytes \(first)-\(last)")
      }
      var sink = try Sink(part: part, keeping: offset)
      // The kept prefix is part of the file's digest: hash it before the new bytes.
      sink.written = try LocalFile.hash(part, into: &sink.hasher, prefix: offset)
      sink.resumedFrom = offset
      sink.total = range.completeLength ?? (last + 1)
      sink.lastReported = sink.written
      return .write(sink)
    case 200...299:
      // A full body: either a fresh download or a server that ignores Range (then restart).
      guard case .success(let length) = head.contentLength else {
        throw FetchError.invalidResponse(url: url, reason: "malformed Content-Length")
      }
      var sink = try Sink(part: part, keeping: 0)
      sink.total = length
      return .write(sink)
    case 416:
      return .early(.rangeNotSatisfiable(completeLength: (contentRange ?? nil)?.completeLength))
    default:
      throw FetchError.httpStatus(url: url, status: head.status)
    }
  }

  /// Maps a failed curl run: before the final answer the server was never reached; after,
  /// the transfer broke and the `bytesOnDisk` can be resumed.
  private func failure(_ exit: CurlProcess.Exit, bytesOnDisk: Int64?) -> FetchError {
    if exit.curlMissing {
      return .toolFailed(
        command: "curl", status: 127, output: "curl is not installed (apt-get install curl)")
    }
    if let bytesOnDisk { return .interrupted(url: url, bytesOnDisk: bytesOnDisk, reason: exit.reason) }
    return exit.cancelled
      ? .interrupted(url: url, bytesOnDisk: 0, reason: exit.reason)
      : .unreachable(url: url, reason: exit.reason)
  }
}
