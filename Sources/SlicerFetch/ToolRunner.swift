import Foundation

/// Runs a helper program (python3) to completion, its stdout and stderr collected in a log
/// file rather than a pipe, so a chatty tool can never block on a full pipe buffer.
enum ToolRunner {
  struct Run {
    var status: Int32
    var output: String
  }

  /// Runs `arguments[0]` looked up on PATH (through /usr/bin/env) with the rest as arguments.
  static func run(_ arguments: [String], workingDirectory: URL) async throws -> Run {
    let command = arguments.joined(separator: " ")
    let log = workingDirectory.appendingPathComponent("tool-\(UUID().uuidString).log")
    guard FileManager.default.createFile(atPath: log.path, contents: nil),
      let sink = try? FileHandle(forWritingTo: log)
    else {
      throw FetchError.fileSystem(path: log.path, reason: "cannot create the tool log")
    }
    defer {
      try? sink.close()
      LocalFile.remove(log)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.currentDirectoryURL = workingDirectory
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = sink
    process.standardError = sink

    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
      process.terminationHandler = { process in
        continuation.resume(returning: process.terminationStatus)
      }
      do {
        try process.run()
      } catch {
        process.terminationHandler = nil
        continuation.resume(
          throwing: FetchError.toolFailed(command: command, status: -1, output: "\(error)"))
      }
    }
    let output = String(
      decoding: FileManager.default.contents(atPath: log.path) ?? Data(), as: UTF8.self)
    return Run(status: status, output: output)
  }
}
