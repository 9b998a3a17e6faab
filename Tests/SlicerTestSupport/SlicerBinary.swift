import Foundation

/// Runs the built `slicer` executable (`.build/debug/slicer`, made by `swift build --build-tests`
/// and `make test`) from the repository's top level, as a user would.
public enum SlicerBinary {
  public struct Result: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
  }

  /// The executable `swift build` put in `.build/debug` (or `.build/release`).
  public static var url: URL {
    let candidates = ["debug", "release"].map {
      Fixtures.repository.appendingPathComponent(".build/\($0)/slicer")
    }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
      ?? candidates[0]
  }

  public static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: url.path) }

  /// Runs `slicer ARGUMENTS` to its end, with `input` on standard input (none: /dev/null) and
  /// `environment` added to this process's.
  public static func run(
    _ arguments: [String], input: String? = nil, environment: [String: String] = [:]
  ) throws -> Result {
    let process = Process()
    process.executableURL = url
    process.arguments = arguments
    process.currentDirectoryURL = Fixtures.repository
    if !environment.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let stdin = input.map { _ in Pipe() }
    process.standardInput = stdin ?? FileHandle.nullDevice
    try process.run()
    if let stdin, let input {
      stdin.fileHandleForWriting.write(Data(input.utf8))
      try stdin.fileHandleForWriting.close()
    }
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
    return Result(
      status: process.terminationStatus, stdout: String(decoding: outBox.data, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }

  /// `slicer serve ARGUMENTS` in the background; `init` returns once it prints its
  /// "listening on 127.0.0.1:PORT: …[; metrics on 127.0.0.1:PORT/metrics]" line. Stopped with
  /// SIGTERM by `stop()` or when the value goes away.
  public final class Server {
    public let process = Process()
    public let port: Int
    public let metricsPort: Int?

    public init(_ arguments: [String]) throws {
      process.executableURL = SlicerBinary.url
      process.arguments = ["serve"] + arguments
      process.currentDirectoryURL = Fixtures.repository
      let out = Pipe()
      process.standardOutput = out
      process.standardError = FileHandle.nullDevice
      process.standardInput = FileHandle.nullDevice
      try process.run()
      var line = ""
      while !line.contains("\n") {
        let data = out.fileHandleForReading.availableData
        if data.isEmpty { break }
        line += String(decoding: data, as: UTF8.self)
      }
      let ports = line.components(separatedBy: "127.0.0.1:").dropFirst().map {
        Int(String($0.prefix(while: \.isNumber)))
      }
      guard let first = ports.first, let port = first else {
        process.terminate()
        process.waitUntilExit()
        throw CocoaError(.fileReadCorruptFile, userInfo: ["output": line])
      }
      self.port = port
      metricsPort = ports.count > 1 ? ports[1] : nil
    }

    deinit { if process.isRunning { _ = stop() } }

    /// SIGKILL: the server dies without a word.
    public func kill() {
      Foundation.kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }

    /// SIGTERM (a graceful shutdown); the exit status.
    @discardableResult public func stop() -> Int32 {
      if process.isRunning { process.terminate() }
      process.waitUntilExit()
      return process.terminationStatus
    }
  }
}

/// Hands a pipe's bytes from the reading thread back to the caller (joined by a DispatchGroup).
private final class DataBox: @unchecked Sendable {
  var data = Data()
}
