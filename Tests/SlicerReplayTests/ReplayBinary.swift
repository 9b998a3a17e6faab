import Foundation
import SlicerTestSupport

/// Runs the built `slicer` executable (`.build/debug/slicer`, built by `swift build
/// --build-tests` and `make test`) from the repository's top level.
enum ReplayBinary {
  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  static var url: URL {
    let candidates = ["debug", "release"].map {
      Fixtures.repository.appendingPathComponent(".build/\($0)/slicer")
    }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
      ?? candidates[0]
  }

  static func run(_ arguments: [String]) throws -> Result {
    let process = Process()
    process.executableURL = url
    process.arguments = arguments
    process.currentDirectoryURL = Fixtures.repository
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("slicer-replay-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    // Files rather than pipes: nothing can block on a full pipe.
    let out = directory.appendingPathComponent("stdout")
    let err = directory.appendingPathComponent("stderr")
    try Data().write(to: out)
    try Data().write(to: err)
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus,
      stdout: String(decoding: try Data(contentsOf: out), as: UTF8.self),
      stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
  }
}

/// A scratch directory for one test, removed when it ends.
struct Scratch: ~Copyable {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory
      .appendingPathComponent("slicer-replay-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  func path(_ name: String) -> String { url.appendingPathComponent(name).path }

  @discardableResult
  func write(_ name: String, _ text: String) throws -> String {
    try Data(text.utf8).write(to: url.appendingPathComponent(name))
    return path(name)
  }

  func read(_ name: String) throws -> String {
    String(decoding: try Data(contentsOf: url.appendingPathComponent(name)), as: UTF8.self)
  }

  deinit { try? FileManager.default.removeItem(at: url) }
}

/// `slicer serve --model <model> --port 0` in the background for one test; stopped (SIGTERM,
/// by its own pid) when the value goes away.
final class TailServerProcess {
  let process = Process()
  let port: Int

  init(model: String) throws {
    process.executableURL = ReplayBinary.url
    process.arguments = ["serve", "--model", model, "--port", "0"]
    process.currentDirectoryURL = Fixtures.repository
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // The first line is "listening on 127.0.0.1:PORT: …".
    var text = ""
    while !text.contains("\n") {
      let data = out.fileHandleForReading.availableData
      if data.isEmpty { break }
      text += String(decoding: data, as: UTF8.self)
    }
    guard let range = text.range(of: "127.0.0.1:"),
      let port = Int(text[range.upperBound...].prefix(while: \.isNumber))
    else {
      process.terminate()
      process.waitUntilExit()
      throw CocoaError(.fileReadCorruptFile, userInfo: ["output": text])
    }
    self.port = port
  }

  deinit {
    process.terminate()
    process.waitUntilExit()
  }
}
