import Foundation
import Testing

@testable import SlicerFetch

/// The opt-125m catalog entry, fetched from a loopback server holding small stand-in files.
/// The stand-in weights' sha256 replaces the real pin; everything else is the catalog's.
@Suite struct HuggingFaceFetcherTests {
  static let files: [String: [UInt8]] = [
    "/config.json": Array(#"{"model_type": "opt"}"#.utf8),
    "/vocab.json": Array(#"{"hello": 0}"#.utf8),
    "/merges.txt": Array("#version: 0.2\nh e\n".utf8),
    "/pytorch_model.bin": TestFiles.bytes(200_000, seed: 7),
  ]

  let server: LoopbackHTTPServer
  let directory: URL

  init() throws {
    server = try LoopbackHTTPServer(files: Self.files)
    directory = try TestFiles.scratchDirectory().appendingPathComponent("opt-125m")
  }

  /// The catalog's source with the weights' pin swapped for the stand-in's.
  static func source(weightsSHA256: String) throws -> HuggingFaceSource {
    guard case .huggingFace(var source) = try ModelCatalog.model(named: "opt-125m").source else {
      throw FetchError.unknownModel(name: "opt-125m", known: [])
    }
    for index in source.files.indices where source.files[index].name == "pytorch_model.bin" {
      source.files[index].sha256 = weightsSHA256
    }
    return source
  }

  @Test func fetchesEveryFileThenSkipsThemAll() async throws {
    let weightsSHA = TestFiles.sha256(Self.files["/pytorch_model.bin"]!)
    let source = try Self.source(weightsSHA256: weightsSHA)
    let baseURL = try source.baseURL(override: server.baseURL.absoluteString, environment: [:])

    let first = try await HuggingFaceFetcher().fetch(source, from: baseURL, into: directory)
    #expect(first.map(\.name) == ["config.json", "vocab.json", "merges.txt", "pytorch_model.bin"])
    #expect(first.allSatisfy { !$0.wasPresent })
    #expect(first.last?.sha256 == weightsSHA)
    for (path, body) in Self.files {
      #expect(
        TestFiles.contents(directory.appendingPathComponent(String(path.dropFirst()))) == body)
    }
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    #expect(leftovers.sorted() == ["config.json", "merges.txt", "pytorch_model.bin", "vocab.json"])
    #expect(server.requests.count == 4)

    // Second run: every file is in place (the weights re-verified locally), no requests.
    let log = EventLog()
    let second = try await HuggingFaceFetcher().fetch(
      source, from: baseURL, into: directory, events: log.record)
    #expect(second.allSatisfy { $0.wasPresent })
    #expect(server.requests.count == 4)
    #expect(
      log.events == [
        .alreadyPresent(file: "config.json", verified: false),
        .alreadyPresent(file: "vocab.json", verified: false),
        .alreadyPresent(file: "merges.txt", verified: false),
        .alreadyPresent(file: "pytorch_model.bin", verified: true),
      ])
  }

  /// Weights whose sha256 differs from the pin are refused: no `pytorch_model.bin` (nor a
  /// `.part`) is left where the model would be loaded from.
  @Test func refusesWeightsWithTheWrongChecksum() async throws {
    let source = try Self.source(
      weightsSHA256: "2d74da6615135c58cf3cf9ad4cb11e7c613ff9e55fe658a47ab83b6c8d1174a9")
    let error = await #expect(throws: FetchError.self) {
      try await HuggingFaceFetcher().fetch(source, from: server.baseURL, into: directory)
    }
    #expect(
      error
        == .checksumMismatch(
          file: "pytorch_model.bin",
          expected: "2d74da6615135c58cf3cf9ad4cb11e7c613ff9e55fe658a47ab83b6c8d1174a9",
          found: TestFiles.sha256(Self.files["/pytorch_model.bin"]!)))
    let left = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    #expect(left.sorted() == ["config.json", "merges.txt", "vocab.json"])
  }

  /// A transfer of the weights cut half way, then the same fetch again: the small files are
  /// skipped and the weights resume from the bytes already on disk.
  @Test func resumesTheWeightsAfterAnInterruption() async throws {
    let weights = Self.files["/pytorch_model.bin"]!
    let source = try Self.source(weightsSHA256: TestFiles.sha256(weights))
    server.cutNextResponse(for: "/pytorch_model.bin", after: 80_000)

    await #expect(throws: FetchError.self) {
      try await HuggingFaceFetcher().fetch(source, from: server.baseURL, into: directory)
    }
    #expect(!TestFiles.exists(directory.appendingPathComponent("pytorch_model.bin")))

    let log = EventLog()
    try await HuggingFaceFetcher().fetch(
      source, from: server.baseURL, into: directory, events: log.record)
    #expect(server.requests.map(\.path).suffix(1) == ["/pytorch_model.bin"])
    #expect(server.requests.last?.range == "bytes=80000-")
    #expect(TestFiles.contents(directory.appendingPathComponent("pytorch_model.bin")) == weights)
    #expect(
      log.events.first { if case .progress = $0 { true } else { false } }
        == .progress(
          file: "pytorch_model.bin",
          DownloadProgress(done: 80_000, total: 200_000, resumedFrom: 80_000)))
  }

  /// A file in place whose sha256 is wrong is replaced by a verified download.
  @Test func replacesACorruptFileInPlace() async throws {
    let weights = Self.files["/pytorch_model.bin"]!
    let source = try Self.source(weightsSHA256: TestFiles.sha256(weights))
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try Data(repeating: 0, count: 200_000).write(
      to: directory.appendingPathComponent("pytorch_model.bin"))

    let log = EventLog()
    try await HuggingFaceFetcher().fetch(
      source, from: server.baseURL, into: directory, events: log.record)
    #expect(
      log.events.contains(
        .replacing(
          file: "pytorch_model.bin",
          reason:
            "its sha256 is \(TestFiles.sha256([UInt8](repeating: 0, count: 200_000))), not \(TestFiles.sha256(weights))"
        )))
    #expect(TestFiles.contents(directory.appendingPathComponent("pytorch_model.bin")) == weights)
  }
}

/// Collects fetch events from whichever queue reports them.
final class EventLog: @unchecked Sendable {
  private let lock = NSLock()
  private var items: [FetchEvent] = []

  var events: [FetchEvent] { lock.withLock { items } }

  func record(_ event: FetchEvent) { lock.withLock { items.append(event) } }
}
