import Foundation
import SlicerCodec
import SlicerModel
import SlicerServer
import SlicerTestSupport
import SlicerTokenizer
import Testing

@testable import SlicerServer

/// Perplexity and chat through the server, and its Prometheus metrics.
@Suite struct ServiceTests {
  @Test func perplexityThroughTheServerMatches() throws {
    let loaded = try TinyOPT.load()
    let running = try RunningServer(model: loaded.model)
    defer { running.stop() }
    let raw = try String(contentsOf: Fixtures.url("wikitext-2-raw/wiki.test.raw"), encoding: .utf8)
    let ids = Array(loaded.encode(WikiText.joinRows(String(raw.prefix(20_000)))).prefix(400))
    let evaluator = PerplexityEvaluator(
      model: loaded.model, split: 2, contextLength: 128, codec: .int8)
    let local = try evaluator.evaluate(ids)
    let remote = try evaluator.evaluate(
      ids, transport: remoteTail(running.endpoint, loaded, split: 2, codec: .int8))
    #expect(remote.tokens == local.tokens)
    #expect(remote.windows == 3)
    // The wire carries log-probabilities as f32.
    #expect(abs(remote.meanNLL - local.meanNLL) < 1e-5)
    #expect(remote.bitsPerToken == local.bitsPerToken)
  }

  @Test func aChatThroughTheServerMatchesAndSurvivesASplitChange() throws {
    let loaded = try TinyOPT.load()
    let running = try RunningServer(model: loaded.model)
    defer { running.stop() }
    let settings = ChatSettings(split: 2, codec: .fp16, maxTokens: 8)
    var local = try ChatSession(loaded: loaded, settings: settings)
    var remote = try ChatSession(
      loaded: loaded, settings: settings,
      tail: RemoteTail.factory(endpoint: running.endpoint, fingerprint: try TinyOPT.fingerprint))
    #expect(remote.endpoint == running.endpoint.description)
    #expect(try remote.send("Hello there").tokens == local.send("Hello there").tokens)
    try remote.changeSplit(to: 3)
    try local.changeSplit(to: 3)
    try remote.setCodec(.int8)
    try local.setCodec(.int8)
    #expect(try remote.send("And then").tokens == local.send("And then").tokens)
    #expect(running.server.metrics.snapshot.sessionsOpened == 2)  // one per split
  }

  @Test func metricsAreServedAsPrometheusText() throws {
    let loaded = try TinyOPT.load()
    let running = try RunningServer(model: loaded.model) { $0.metricsPort = 0 }
    defer { running.stop() }
    let tail = try remoteTail(running.endpoint, loaded, split: 2, codec: .fp16)
    _ = try generate(
      loaded, split: 2, codec: .fp16, prompt: [2, 10, 20, 30, 40, 50], maxTokens: 5, transport: tail
    )
    let port = try #require(running.server.metricsPort)
    let text = try httpGet(port: port, path: "/metrics")
    #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
    for line in [
      "slicer_sessions 1.0", "slicer_sessions_total 1", "slicer_tokens_total 5",
      "slicer_positions_total 10", "slicer_payload_bits_received_total 10240",
      "# TYPE slicer_tail_compute_seconds histogram", "slicer_tail_compute_seconds_count 5",
      "slicer_batch_rows_count 5",
    ] {
      #expect(text.contains("\n" + line + "\n"), "\(line)")
    }
    #expect(try httpGet(port: port, path: "/other").hasPrefix("HTTP/1.1 404 Not Found\r\n"))
  }

  func httpGet(port: Int, path: String) throws -> String {
    let socket = try BlockingSocket(host: "127.0.0.1", port: port, timeout: 5)
    try socket.send(Array("GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n".utf8), timeout: 5)
    var bytes: [UInt8] = []
    while true {
      do {
        bytes += try socket.receive(timeout: 5)
      } catch {
        break
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
