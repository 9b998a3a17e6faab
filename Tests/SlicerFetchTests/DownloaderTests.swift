import Foundation
import Testing

@testable import SlicerFetch

/// The downloader against a loopback server of the test's own (no traffic leaves 127.0.0.1).
@Suite struct DownloaderTests {
  static let body = TestFiles.bytes(300_000, seed: 1)
  static let digest = TestFiles.sha256(body)

  let server: LoopbackHTTPServer
  let directory: URL
  let destination: URL
  var part: URL { Downloader.partURL(for: destination) }

  init() throws {
    server = try LoopbackHTTPServer(files: ["/model.bin": Self.body])
    directory = try TestFiles.scratchDirectory()
    destination = directory.appendingPathComponent("weights/model.bin")
  }

  @Test func fullDownloadCompletesAndIsVerified() async throws {
    let log = ProgressLog()
    let result = try await Downloader(progressStep: 100_000).download(
      from: server.url("/model.bin"), to: destination, size: 300_000, sha256: Self.digest,
      progress: log.record)

    #expect(
      result == DownloadResult(bytes: 300_000, resumedFrom: 0, sha256: Self.digest, requests: 1))
    #expect(TestFiles.contents(destination) == Self.body)
    #expect(!TestFiles.exists(part))
    #expect(server.requests == [.init(path: "/model.bin", range: nil)])
    #expect(log.reports.first == DownloadProgress(done: 0, total: 300_000, resumedFrom: 0))
    #expect(log.reports.last == DownloadProgress(done: 300_000, total: 300_000, resumedFrom: 0))
    // Monotonic, and never more often than every `progressStep` bytes in between.
    let done = log.reports.map(\.done)
    #expect(done == done.sorted())
    #expect(log.reports.count <= 5)
  }

  @Test func interruptedTransferKeepsPartAndNextRunResumes() async throws {
    server.cutNextResponse(for: "/model.bin", after: 120_000)
    let url = server.url("/model.bin")

    let error = await #expect(throws: FetchError.self) {
      try await Downloader().download(from: url, to: destination, sha256: Self.digest)
    }
    guard case .interrupted(let failedURL, let kept, _) = error else {
      Issue.record("expected .interrupted, got \(String(describing: error))")
      return
    }
    #expect(failedURL == url)
    #expect(kept == 120_000)
    #expect(
      error?.description.hasPrefix(
        "the download of \(url.absoluteString) broke off after 120000 bytes")
        == true)
    #expect(!TestFiles.exists(destination))
    #expect(TestFiles.contents(part) == Array(Self.body[0..<120_000]))

    let log = ProgressLog()
    let result = try await Downloader().download(
      from: url, to: destination, sha256: Self.digest, progress: log.record)

    #expect(
      result
        == DownloadResult(bytes: 300_000, resumedFrom: 120_000, sha256: Self.digest, requests: 1))
    #expect(
      server.requests == [
        .init(path: "/model.bin", range: nil), .init(path: "/model.bin", range: "bytes=120000-"),
      ])
    #expect(
      log.reports.first == DownloadProgress(done: 120_000, total: 300_000, resumedFrom: 120_000))
    #expect(TestFiles.contents(destination) == Self.body)
    #expect(!TestFiles.exists(part))
  }

  @Test func wrongChecksumLeavesNeitherFileNorPart() async throws {
    let wrong = String(repeating: "ab", count: 32)
    let url = server.url("/model.bin")
    let error = await #expect(throws: FetchError.self) {
      try await Downloader().download(from: url, to: destination, sha256: wrong)
    }
    #expect(error == .checksumMismatch(file: "model.bin", expected: wrong, found: Self.digest))
    #expect(!TestFiles.exists(destination))
    #expect(!TestFiles.exists(part))
  }

  /// A download that fails its check must not disturb the file already in place.
  @Test func wrongChecksumKeepsThePreviousFile() async throws {
    try FileManager.default.createDirectory(
      at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data("previous".utf8).write(to: destination)
    let wrong = String(repeating: "0", count: 64)
    await #expect(throws: FetchError.self) {
      try await Downloader().download(
        from: server.url("/model.bin"), to: destination, sha256: wrong)
    }
    #expect(TestFiles.contents(destination) == Array("previous".utf8))
    #expect(!TestFiles.exists(part))
  }

  @Test func wrongSizeIsRejected() async throws {
    let url = server.url("/model.bin")
    // A pinned size larger than the served file: the complete body is too short.
    let error = await #expect(throws: FetchError.self) {
      try await Downloader().download(from: url, to: destination, size: 300_001)
    }
    #expect(error == .sizeMismatch(file: "model.bin", expected: 300_001, found: 300_000))
    #expect(!TestFiles.exists(destination))
    #expect(!TestFiles.exists(part))
  }

  @Test func missingFileIsATypedErrorAndLeavesNothing() async throws {
    let url = server.url("/nope.bin")
    let error = await #expect(throws: FetchError.self) {
      try await Downloader().download(from: url, to: destination)
    }
    #expect(error == .httpStatus(url: url, status: 404))
    #expect(
      error?.description
        == "\(url.absoluteString) answered HTTP 404 (not found: check the base URL and revision)")
    #expect(!TestFiles.exists(destination))
    #expect(!TestFiles.exists(part))
  }

  /// A server that ignores Range answers 200 with the whole file: the kept bytes (here wrong
  /// ones, to prove they are dropped) must be replaced, not appended to.
  @Test func serverIgnoringRangeStillGivesTheRightFile() async throws {
    server.ignoresRange = true
    try writePart(Array(repeating: 0xEE, count: 50_000))
    let result = try await Downloader().download(
      from: server.url("/model.bin"), to: destination, sha256: Self.digest)

    #expect(
      result == DownloadResult(bytes: 300_000, resumedFrom: 0, sha256: Self.digest, requests: 1))
    #expect(server.requests == [.init(path: "/model.bin", range: "bytes=50000-")])
    #expect(TestFiles.contents(destination) == Self.body)
    #expect(!TestFiles.exists(part))
  }

  /// All bytes already in `.part` (size unknown to the caller): the server answers 416 with
  /// the complete length, which equals what is on disk, so the file is verified and kept.
  @Test func completePartIsFinishedAfter416() async throws {
    try writePart(Self.body)
    let result = try await Downloader().download(
      from: server.url("/model.bin"), to: destination, sha256: Self.digest)

    #expect(
      result
        == DownloadResult(bytes: 300_000, resumedFrom: 300_000, sha256: Self.digest, requests: 1))
    #expect(server.requests == [.init(path: "/model.bin", range: "bytes=300000-")])
    #expect(TestFiles.contents(destination) == Self.body)
  }

  /// A `.part` longer than the file (upstream changed): 416, start over once from byte 0.
  @Test func overlongPartStartsOverAfter416() async throws {
    try writePart(TestFiles.bytes(400_000, seed: 9))
    let result = try await Downloader().download(
      from: server.url("/model.bin"), to: destination, sha256: Self.digest)

    #expect(
      result == DownloadResult(bytes: 300_000, resumedFrom: 0, sha256: Self.digest, requests: 2))
    #expect(
      server.requests == [
        .init(path: "/model.bin", range: "bytes=400000-"), .init(path: "/model.bin", range: nil),
      ])
    #expect(TestFiles.contents(destination) == Self.body)
  }

  /// With the size pinned, a `.part` holding every byte needs no request at all.
  @Test func completePartWithPinnedSizeNeedsNoRequest() async throws {
    try writePart(Self.body)
    let result = try await Downloader().download(
      from: server.url("/model.bin"), to: destination, size: 300_000, sha256: Self.digest)
    #expect(result.requests == 0)
    #expect(server.requests.isEmpty)
    #expect(TestFiles.contents(destination) == Self.body)
  }

  /// Hugging Face answers `resolve/` URLs with a redirect to a CDN: the range must survive it.
  @Test func resumeFollowsRedirectWithRange() async throws {
    server.redirect("/resolve/model.bin", to: "/model.bin")
    try writePart(Array(Self.body[0..<70_000]))
    let result = try await Downloader().download(
      from: server.url("/resolve/model.bin"), to: destination, sha256: Self.digest)

    #expect(
      result
        == DownloadResult(bytes: 300_000, resumedFrom: 70_000, sha256: Self.digest, requests: 1))
    #expect(
      server.requests == [
        .init(path: "/resolve/model.bin", range: "bytes=70000-"),
        .init(path: "/model.bin", range: "bytes=70000-"),
      ])
    #expect(TestFiles.contents(destination) == Self.body)
  }

  /// With more than one attempt allowed, a broken transfer is resumed within the same call.
  @Test func retryResumesWithinOneCall() async throws {
    server.cutNextResponse(for: "/model.bin", after: 10_000)
    let result = try await Downloader(maxAttempts: 2).download(
      from: server.url("/model.bin"), to: destination, sha256: Self.digest)

    #expect(
      result
        == DownloadResult(bytes: 300_000, resumedFrom: 10_000, sha256: Self.digest, requests: 2))
    #expect(server.requests.map(\.range) == [nil, "bytes=10000-"])
  }

  @Test func closedPortIsUnreachable() async throws {
    let port = server.port
    server.stop()
    let url = URL(string: "http://127.0.0.1:\(port)/model.bin")!
    let error = await #expect(throws: FetchError.self) {
      try await Downloader().download(from: url, to: destination)
    }
    #expect(error == .unreachable(url: url, reason: "connection refused"))
    #expect(error?.description == "cannot reach 127.0.0.1: connection refused")
    #expect(!TestFiles.exists(part))
  }

  private func writePart(_ bytes: [UInt8]) throws {
    try FileManager.default.createDirectory(
      at: part.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(bytes).write(to: part)
  }
}
