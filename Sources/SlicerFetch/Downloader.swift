import Foundation

/// Downloads one URL to a local file, resumably and verified.
///
/// The bytes go to `<destination>.part`; only a complete file whose size and sha256 match the
/// pins (when given) is renamed to `destination`, in one atomic step. So `destination` is always
/// either absent, the previous file, or a verified new one — never half a file. A broken
/// transfer leaves the `.part` file behind and the next call continues it with an HTTP range
/// request; a file that fails its check is deleted.
public struct Downloader: Sendable {
  /// Transfers tried per call when the connection breaks mid-file (each resumes the last).
  public var maxAttempts: Int
  /// Seconds without any data before a transfer is given up.
  public var idleTimeout: TimeInterval
  /// Progress is reported after at least this many new bytes (and at start and end).
  public var progressStep: Int64

  public init(maxAttempts: Int = 1, idleTimeout: TimeInterval = 60, progressStep: Int64 = 1 << 20) {
    self.maxAttempts = max(1, maxAttempts)
    self.idleTimeout = idleTimeout
    self.progressStep = progressStep
  }

  /// Where the bytes of `destination` collect until they are verified.
  public static func partURL(for destination: URL) -> URL {
    destination.deletingLastPathComponent()
      .appendingPathComponent(destination.lastPathComponent + ".part")
  }

  /// Fetches `url` into `destination` (its directory is created if needed).
  ///
  /// - Parameters:
  ///   - size: the pinned size in bytes, if known.
  ///   - sha256: the pinned sha256 as hex, if known.
  ///   - progress: called on a background queue as bytes arrive.
  /// - Throws: `FetchError`; `.interrupted` keeps the `.part` file for a later call to resume.
  @discardableResult
  public func download(
    from url: URL, to destination: URL, size: Int64? = nil, sha256: String? = nil,
    progress: @escaping @Sendable (DownloadProgress) -> Void = { _ in }
  ) async throws -> DownloadResult {
    try LocalFile.createDirectory(destination.deletingLastPathComponent())
    let part = Self.partURL(for: destination)
    let name = destination.lastPathComponent
    var requests = 0
    var interruptions = 0
    var rangeRejected = false

    while true {
      var onDisk = LocalFile.size(part)
      if let size, let kept = onDisk, kept > size {
        // Longer than the file can be: not a prefix of it.
        LocalFile.remove(part)
        onDisk = nil
      }
      let offset = onDisk ?? 0

      if let size, onDisk == size {
        // A previous run got every byte but stopped before the check.
        return try finish(
          part, to: destination, name: name, size: size, sha256: sha256, digest: nil,
          bytes: offset, resumedFrom: offset, requests: requests)
      }

      let outcome: Transfer.Outcome
      do {
        requests += 1
        outcome = try await Transfer(
          url: url, part: part, offset: offset, progressStep: progressStep, progress: progress
        ).run(idleTimeout: idleTimeout)
      } catch FetchError.interrupted(let url, let bytes, let reason) {
        interruptions += 1
        if interruptions < maxAttempts && !Task.isCancelled { continue }
        throw FetchError.interrupted(url: url, bytesOnDisk: bytes, reason: reason)
      }

      switch outcome {
      case .completed(let bytes, let digest, let resumedFrom):
        return try finish(
          part, to: destination, name: name, size: size, sha256: sha256, digest: digest,
          bytes: bytes, resumedFrom: resumedFrom, requests: requests)
      case .rangeNotSatisfiable(let length):
        if let length, length == offset {
          // Everything was already on disk.
          return try finish(
            part, to: destination, name: name, size: size, sha256: sha256, digest: nil,
            bytes: offset, resumedFrom: offset, requests: requests)
        }
        guard !rangeRejected else {
          throw FetchError.invalidResponse(
            url: url, reason: "range request rejected (416) even after starting over")
        }
        // The `.part` is not a prefix of what the server has now: start over, once.
        rangeRejected = true
        LocalFile.remove(part)
      }
    }
  }

  /// Verifies the `.part` file and renames it into place.
  private func finish(
    _ part: URL, to destination: URL, name: String, size: Int64?, sha256: String?,
    digest: String?, bytes: Int64, resumedFrom: Int64, requests: Int
  ) throws -> DownloadResult {
    let digest = try digest ?? LocalFile.sha256(part)
    try LocalFile.verify(part, name: name, size: size, sha256: sha256, knownDigest: digest)
    try LocalFile.replace(destination, with: part)
    return DownloadResult(
      bytes: bytes, resumedFrom: resumedFrom, sha256: digest, requests: requests)
  }
}
