import Foundation
import SlicerTestSupport

/// Runs the built `slicer` executable, as a user would (a copy of SlicerCLITests' helper, with
/// a way to start a long-running server).
enum SlicerBinary {
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

  static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: url.path) }

  static func run(_ arguments: [String]) throws -> Result {
    let process = Process()
    process.executableURL = url
    process.arguments = arguments
    process.currentDirectoryURL = Fixtures.repository
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let outBox = DataBox()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
      outBox.data = out.fileHandleForReading.readDataToEndOfFile()
      group.leave()
    }
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus, stdout: String(decoding: outBox.data, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }

  /// `slicer serve …` in the background; returns once it prints its "listening on" line.
  final class Server {
    let process = Process()
    let port: Int
    let metricsPort: Int?

    init(_ arguments: [String]) throws {
      process.executableURL = SlicerBinary.url
      process.arguments = ["serve"] + arguments
      process.currentDirectoryURL = Fixtures.repository
      let out = Pipe()
      process.standardOutput = out
      process.standardError = FileHandle.nullDevice
      process.standardInput = FileHandle.nullDevice
      try process.run()
      // "listening on 127.0.0.1:PORT: …; metrics on 127.0.0.1:PORT/metrics"
      var line = ""
      let handle = out.fileHandleForReading
      while !line.contains("\n") {
        let data = handle.availableData
        if data.isEmpty { break }
        line += String(decoding: data, as: UTF8.self)
      }
      let ports = line.components(separatedBy: "127.0.0.1:").dropFirst().map {
        Int(String($0.prefix { $0.isNumber }))
      }
      guard let first = ports.first, let port = first else {
        process.terminate()
        throw CocoaError(.fileReadCorruptFile)
      }
      self.port = port
      metricsPort = ports.count > 1 ? ports[1] : nil
    }

    func kill() {
      Foundation.kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }

    func stop() -> Int32 {
      process.terminate()  // SIGTERM: a graceful shutdown
      process.waitUntilExit()
      return process.terminationStatus
    }
  }
}

private final class DataBox: @unchecked Sendable {
  var data = Data()
}
