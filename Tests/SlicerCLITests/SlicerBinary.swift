import Foundation
import SlicerTestSupport

/// Runs the built `slicer` executable, as a user would.
enum SlicerBinary {
  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// The executable `swift build` put next to the test bundle.
  static var url: URL {
    let candidates = ["debug", "release"].map {
      Fixtures.repository.appendingPathComponent(".build/\($0)/slicer")
    }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
  }

  static func run(_ arguments: [String], timeout: TimeInterval = 300) throws -> Result {
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
    // Read both pipes fully before waiting, so a chatty child never blocks on a full pipe.
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
    let outData = outBox.data
    return Result(
      status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }
}

/// Hands a pipe's bytes from the reading thread back to the caller (joined by a DispatchGroup).
private final class DataBox: @unchecked Sendable {
  var data = Data()
}
