import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// One HTTP GET of a file into its `.part` file, streamed to disk as the bytes arrive.
///
/// With `offset > 0` it asks for `Range: bytes=offset-` and appends; the answer decides:
///
///     206 Partial Content, Content-Range starts at offset → append, hash prefix + new bytes
///     200 OK (server ignored the range)                    → truncate, write from byte 0
///     416 Range Not Satisfiable                            → `.rangeNotSatisfiable(length)`
///     anything else                                        → `FetchError.httpStatus`
///
/// The bytes are hashed as they are written, so a finished transfer needs no second read.
/// All mutable state is touched only on `queue`, the session's serial delegate queue, which is
/// why the class can be `@unchecked Sendable`.
final class Transfer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
  enum Outcome {
    /// The body ended normally; the `.part` file holds `bytes` bytes with sha256 `digest`.
    case completed(bytes: Int64, digest: String, resumedFrom: Int64)
    /// The server said the range starts past the end; `completeLength` is its file size.
    case rangeNotSatisfiable(completeLength: Int64?)
  }

  private let url: URL
  private let part: URL
  private let offset: Int64
  private let progressStep: Int64
  private let progress: @Sendable (DownloadProgress) -> Void
  private let queue: OperationQueue

  private var continuation: CheckedContinuation<Outcome, any Error>?
  private var handle: FileHandle?
  private var hasher = SHA256()
  private var written: Int64 = 0
  private var resumedFrom: Int64 = 0
  private var total: Int64?
  private var lastReported: Int64 = 0
  /// Set when the answer is refused; wins over the error the cancellation then produces.
  private var failure: FetchError?
  private var early: Outcome?

  init(
    url: URL, part: URL, offset: Int64, progressStep: Int64,
    progress: @escaping @Sendable (DownloadProgress) -> Void
  ) {
    self.url = url
    self.part = part
    self.offset = offset
    self.progressStep = max(1, progressStep)
    self.progress = progress
    queue = OperationQueue()
    queue.maxConcurrentOperationCount = 1
    queue.name = "slicer.fetch.transfer"
  }

  func run(idleTimeout: TimeInterval) async throws -> Outcome {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = idleTimeout
    configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
    configuration.urlCache = nil
    let session = URLSession(configuration: configuration, delegate: self, delegateQueue: queue)
    // The session holds its delegate strongly until invalidated.
    defer { session.finishTasksAndInvalidate() }

    var request = URLRequest(url: url)
    // The bytes on disk must be the file's bytes, not a compressed encoding of them.
    request.setValue("identity", forHTTPHeaderField: "Accept-Encoding")
    request.setValue("slicer-fetch", forHTTPHeaderField: "User-Agent")
    if offset > 0 { request.setValue("bytes=\(offset)-", forHTTPHeaderField: "Range") }
    let task = session.dataTask(with: request)

    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { continuation in
        queue.addOperation {
          self.continuation = continuation
          task.resume()
        }
      }
    } onCancel: {
      task.cancel()
    }
  }

  // MARK: URLSessionDataDelegate

  func urlSession(
    _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
  ) {
    do {
      try accept(response)
      completionHandler(early == nil ? .allow : .cancel)
    } catch {
      failure = error as? FetchError ?? .invalidResponse(url: url, reason: "\(error)")
      completionHandler(.cancel)
    }
  }

  func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
    guard failure == nil, let handle else { return }
    do {
      try handle.write(contentsOf: data)
    } catch {
      failure = .fileSystem(path: part.path, reason: "write failed (\(error))")
      dataTask.cancel()
      return
    }
    data.withUnsafeBytes { hasher.update($0) }
    written += Int64(data.count)
    if written - lastReported >= progressStep { report() }
  }

  func urlSession(
    _ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?
  ) {
    let opened = handle != nil
    if let handle {
      do {
        try handle.synchronize()
        try handle.close()
      } catch {
        failure = failure ?? .fileSystem(path: part.path, reason: "cannot flush (\(error))")
      }
      self.handle = nil
    }
    let result: Result<Outcome, FetchError>
    if let failure {
      result = .failure(failure)
    } else if let early {
      result = .success(early)
    } else if let error {
      result = .failure(classify(error, connected: opened))
    } else if let total, written != total {
      // A body shorter than announced without a transport error: keep it and let a rerun resume.
      result = .failure(
        written < total
          ? .interrupted(url: url, bytesOnDisk: written, reason: "the body ended early")
          : .invalidResponse(url: url, reason: "received \(written) bytes of a \(total)-byte file"))
    } else {
      report()
      result = .success(.completed(bytes: written, digest: hasher.hex, resumedFrom: resumedFrom))
    }
    continuation?.resume(with: result)
    continuation = nil
  }

  // MARK: Answer handling

  /// Checks the status and headers and opens the `.part` file accordingly.
  private func accept(_ response: URLResponse) throws {
    guard let http = response as? HTTPURLResponse else {
      throw FetchError.invalidResponse(url: url, reason: "not an HTTP answer")
    }
    let contentRange = header("Content-Range", in: http).map(ContentRange.init)
    switch http.statusCode {
    case 206:
      guard let range = contentRange ?? nil, let first = range.first, let last = range.last else {
        throw FetchError.invalidResponse(url: url, reason: "206 without a usable Content-Range")
      }
      guard first == offset else {
        throw FetchError.invalidResponse(
          url: url, reason: "asked for bytes from \(offset), got bytes \(first)-\(last)")
      }
      try open(truncatingTo: offset)
      // The kept prefix is part of the file's digest: hash it before the new bytes.
      written = try LocalFile.hash(part, into: &hasher, prefix: offset)
      resumedFrom = offset
      total = range.completeLength ?? (last + 1)
    case 200...299:
      // A full body: either a fresh download or a server that ignores Range (then restart).
      try open(truncatingTo: 0)
      resumedFrom = 0
      written = 0
      total = http.expectedContentLength >= 0 ? http.expectedContentLength : nil
    case 416:
      early = .rangeNotSatisfiable(completeLength: (contentRange ?? nil)?.completeLength)
      return
    default:
      throw FetchError.httpStatus(url: url, status: http.statusCode)
    }
    lastReported = written
    progress(DownloadProgress(done: written, total: total, resumedFrom: resumedFrom))
  }

  /// Opens the `.part` file for appending after its first `length` bytes (creating it if needed).
  private func open(truncatingTo length: Int64) throws {
    if !FileManager.default.fileExists(atPath: part.path) {
      guard FileManager.default.createFile(atPath: part.path, contents: nil) else {
        throw FetchError.fileSystem(path: part.path, reason: "cannot create the file")
      }
    }
    do {
      let handle = try FileHandle(forWritingTo: part)
      try handle.truncate(atOffset: UInt64(length))
      try handle.seekToEnd()
      self.handle = handle
    } catch {
      throw FetchError.fileSystem(path: part.path, reason: "cannot open for writing (\(error))")
    }
  }

  private func report() {
    lastReported = written
    progress(DownloadProgress(done: written, total: total, resumedFrom: resumedFrom))
  }

  /// Maps a transport error: before any answer it means the server was never reached;
  /// after, the transfer broke and the bytes on disk can be resumed.
  private func classify(_ error: any Error, connected: Bool) -> FetchError {
    let code = (error as? URLError)?.code
    let reason: String
    switch code {
    case .cannotConnectToHost: reason = "connection refused"
    case .cannotFindHost, .dnsLookupFailed: reason = "host name not found"
    case .notConnectedToInternet: reason = "no network connection"
    case .timedOut: reason = "timed out"
    case .networkConnectionLost: reason = "connection lost"
    case .secureConnectionFailed: reason = "TLS handshake failed"
    case .cancelled: reason = "cancelled"
    default: reason = (error as NSError).localizedDescription
    }
    return connected || code == .cancelled
      ? .interrupted(url: url, bytesOnDisk: written, reason: reason)
      : .unreachable(url: url, reason: reason)
  }

  private func header(_ name: String, in response: HTTPURLResponse) -> String? {
    for (key, value) in response.allHeaderFields {
      if let key = key as? String, key.caseInsensitiveCompare(name) == .orderedSame {
        return value as? String
      }
    }
    return nil
  }
}
