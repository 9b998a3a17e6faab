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

    #expect(result == DownloadResult(bytes: 300_000, resumedFrom: 0, sha256: Self.digest, requests: 1))
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
    #expect(!TestFiles.exists(destination))
    #expect(TestFiles.contents(part) == Array(Self.body[0..<120_000]))

    let log = ProgressLog()
    let result = try await Downloader().download(
      from: url, to: destination, sha256: Self.digest, progress: log.record)

    #expect(result == DownloadResult(bytes: 300_000, resumedFrom: 120_000, sha256: Self.digest, requests: 1))
    #expect(
      server.requests == [
        .init(path: "/model.bin", range: nil), .init(path: "/model.bin", range: "bytes=120000-"),
      ])
    #expect(log.reports.first == DownloadProgress(done: 120_000, total: 300_000, resumedFrom: 120_000))
    #expect(TestFiles.contents(destination) == Self.body)
    #expect(!TestFiles.exists(part))
  }
}
