import Foundation
import SlicerTestSupport
import Testing

@testable import SlicerServer

/// `slicer serve` and `slicer generate --server` as processes, as a user runs them.
@Suite(
  .enabled(if: SlicerBinary.isBuilt, "build the slicer binary first (swift build)"), .serialized)
struct ServeCommandTests {
  let model = "Tests/Fixtures/tiny-opt"

  func generate(_ extra: [String], tokens: Int = 16) throws -> SlicerBinary.Result {
    try SlicerBinary.run(
      [
        "generate", "--model", model, "--prompt", "The tail server", "--max-tokens", "\(tokens)",
        "--json",
      ] + extra)
  }

  func tokenIDs(_ result: SlicerBinary.Result) -> [Int]? {
    guard let data = result.stdout.data(using: .utf8),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { return nil }
    return object["token_ids"] as? [Int]
  }

  @Test func generateThroughTheServerGivesTheSameTokens() throws {
    let server = try SlicerBinary.Server(["--model", model, "--port", "0"])
    defer { #expect(server.stop() == 0) }
    for (split, codec) in [("1", "fp16"), ("3", "slicer:0.001")] {
      let local = try generate(["--split", split, "--codec", codec])
      let remote = try generate([
        "--split", split, "--codec", codec, "--server", "127.0.0.1:\(server.port)",
      ])
      #expect(local.status == 0 && remote.status == 0, "\(remote.stderr)")
      #expect(tokenIDs(local) != nil)
      #expect(tokenIDs(remote) == tokenIDs(local))
    }
  }

  @Test func clientErrorsAreOneLine() throws {
    let server = try SlicerBinary.Server(["--model", model, "--port", "0", "--token", "s3cret"])
    defer { _ = server.stop() }
    let at = "127.0.0.1:\(server.port)"
    let wrong = try generate(["--split", "2", "--server", at, "--token", "guess"])
    #expect(wrong.status == 1)
    #expect(
      wrong.stderr
        == "Error: the tail server at \(at) said: the auth token is wrong; pass the server's secret with --token\n"
    )
    let split = try generate(["--split", "4", "--server", at, "--token", "s3cret"])
    #expect(
      split.stderr
        == "Error: the tail server at \(at) said: split 4 is not in 1…3 for this 4-layer model\n")
    let refused = try SlicerBinary.run([
      "serve", "--model", model, "--host", "0.0.0.0", "--port", "0",
    ])
    #expect(refused.status == 1)
    #expect(refused.stderr.hasPrefix("Error: refusing to listen on 0.0.0.0 without --token"))
  }

  @Test func killingTheServerMidGenerationAndRestartingIt() throws {
    let local = try generate(["--split", "2", "--codec", "int8"], tokens: 110)
    var server = try SlicerBinary.Server(["--model", model, "--port", "0", "--metrics-port", "0"])
    let port = server.port
    let metrics = try #require(server.metricsPort)
    let done = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var remote: SlicerBinary.Result?
    Thread.detachNewThread { [self] in
      remote = try? generate(
        ["--split", "2", "--codec", "int8", "--server", "127.0.0.1:\(port)"], tokens: 110)
      done.signal()
    }
    // Kill -9 once a few tokens are out, then start a new server on the same port.
    let deadline = Date(timeIntervalSinceNow: 60)
    while (tokensServed(metricsPort: metrics) ?? 0) < 5 && Date() < deadline {
      Thread.sleep(forTimeInterval: 0.005)
    }
    server.kill()
    Thread.sleep(forTimeInterval: 0.3)
    server = try SlicerBinary.Server(["--model", model, "--port", "\(port)"])
    defer { _ = server.stop() }
    #expect(done.wait(timeout: .now() + 120) == .success)
    let result = try #require(remote)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(tokenIDs(result) == tokenIDs(local))
    #expect(result.stderr.contains("[lost the tail server at 127.0.0.1:\(port) ("))
    #expect(result.stderr.contains("[reconnected to 127.0.0.1:\(port); replayed "))
  }

  /// `slicer_tokens_total` from the server's metrics.
  func tokensServed(metricsPort: Int) -> Int? {
    guard let socket = try? BlockingSocket(host: "127.0.0.1", port: metricsPort, timeout: 1),
      (try? socket.send(Array("GET /metrics HTTP/1.1\r\n\r\n".utf8), timeout: 1)) != nil
    else { return nil }
    var bytes: [UInt8] = []
    while let chunk = try? socket.receive(timeout: 1) { bytes += chunk }
    let text = String(decoding: bytes, as: UTF8.self)
    let line = text.split(separator: "\n").first { $0.hasPrefix("slicer_tokens_total ") }
    return line.flatMap { Int($0.split(separator: " ").last ?? "") }
  }
}
