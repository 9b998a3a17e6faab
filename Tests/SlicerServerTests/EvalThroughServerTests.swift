import Foundation
import SlicerCodec
import SlicerModel
import SlicerServer
import SlicerTensor
import SlicerTestSupport
import SlicerTokenizer
import Testing

/// The rate–distortion evaluation with its tail on a server: the same rows as in-process, to the
/// wire's precision.
///
/// Tolerances, from what the wire carries (PROTOCOL.md §9): bits/token, distortion and the
/// token count are computed by the client and match exactly; top-1 compares argmaxes the server
/// computes on the same fp32 logits, so it matches exactly; perplexity comes from f32 target
/// log-probs (2⁻²⁴ relative each), so it matches to 1e-6 relative. KL comes from fp16
/// log-softmax rows, renormalized by the client: the rounding adds a floor (the `none` row's
/// KL, ≈ 2.5e-6 nats/token on this near-uniform model, whose log-probs ≈ −11 sit where a
/// binary16 step is 2⁻⁷), which the evaluator subtracts position by position; what is left,
/// Σ (q − p)·δ, grows with the KL itself: 1e-7 nats/token + 1e-4 of the KL bounds it (measured:
/// at most 4e-5 of the KL, here and on SmolLM2).
@Suite(.serialized) struct EvalThroughServerTests {
  static func klTolerance(_ kl: Double) -> Double { 1e-7 + 1e-4 * kl }
  static let klFloorBound = 1e-5

  func ids(_ loaded: LoadedModel) throws -> [Int] {
    let raw = try String(contentsOf: Fixtures.url("wikitext-2-raw/wiki.test.raw"), encoding: .utf8)
    return Array(loaded.encode(WikiText.joinRows(String(raw.prefix(20_000)))).prefix(200))
  }

  func expectClose(_ remote: [RateDistortionRow], _ local: [RateDistortionRow]) {
    #expect(remote.count == local.count)
    for (r, l) in zip(remote, local) {
      #expect(r.codec == l.codec && r.split == l.split && r.tokens == l.tokens)
      #expect(r.bitsPerToken == l.bitsPerToken, "\(r.codec)")
      #expect(r.distortion == l.distortion, "\(r.codec)")
      #expect(r.top1Agreement == l.top1Agreement, "\(r.codec)")
      #expect(
        abs(r.perplexity / l.perplexity - 1) < 1e-6,
        "\(r.codec): \(r.perplexity) vs \(l.perplexity)")
      if r.codec == "none" {
        #expect(l.kl == 0 && r.kl > 0 && r.kl < Self.klFloorBound, "the wire's floor: \(r.kl)")
      } else {
        #expect(abs(r.kl - l.kl) < Self.klTolerance(l.kl), "\(r.codec): KL \(r.kl) vs \(l.kl)")
      }
    }
  }

  @Test func rowsThroughTheServerMatchTheInProcessRows() throws {
    let loaded = try TinyOPT.load()
    let running = try RunningServer(model: loaded.model)
    defer { running.stop() }
    let ids = try ids(loaded)
    let codecs: [CodecSpec] = [.int8, .slicer(budget: 1e-3)]
    for split in [1, 3] {
      let evaluator = RateDistortionEvaluator(model: loaded.model, split: split, contextLength: 64)
      let local = try evaluator.evaluate(ids, codecs: codecs, maxWindows: 1)
      let meter = WireMeter()
      let tail = try remoteTail(
        running.endpoint, loaded, split: split, codec: .none, options: testOptions(meter: meter))
      let remote = try evaluator.evaluate(ids, codecs: codecs, maxWindows: 1, transport: tail)
      #expect(local.map(\.codec) == ["none", "int8", "slicer:0.001"])
      #expect(local[0].tokens == 63)
      // In-process the reference and the none row are the same computation.
      #expect(local[0].kl == 0 && local[0].top1Agreement == 1)
      // The codecs differ from each other by more than the tolerance, so the test sees a swap.
      #expect(local[2].kl > 100 * Self.klTolerance(local[2].kl))
      expectClose(remote, local)
      // Every codec's window came back with its 63 distributions over 50,272 tokens.
      let back = meter.stats.received[.scores]?.bytes ?? 0
      #expect(back > 3 * 63 * 2 * 50_272 && back < 3 * 63 * (2 * 50_272 + 9) + 3 * 64)
    }
  }

  /// A real model's peaked distributions: a floor far below the tiny model's, the same match.
  @Test(.enabled(if: SmolLM2.isPresent, "needs Weights/smollm2-135m-instruct"))
  func smolLM2RowsThroughTheServerMatch() throws {
    let loaded = try SmolLM2.load()
    let running = try RunningServer(model: loaded.model)
    defer { running.stop() }
    let raw = try String(contentsOf: Fixtures.url("wikitext-2-raw/wiki.test.raw"), encoding: .utf8)
    let ids = Array(loaded.encode(WikiText.joinRows(String(raw.prefix(2_000)))).prefix(100))
    let codecs: [CodecSpec] = [.int8, .slicer(budget: 1e-3)]
    let evaluator = RateDistortionEvaluator(model: loaded.model, split: 15, contextLength: 48)
    let local = try evaluator.evaluate(ids, codecs: codecs, maxWindows: 1)
    let tail = try remoteTail(running.endpoint, loaded, split: 15, codec: .none)
    let remote = try evaluator.evaluate(ids, codecs: codecs, maxWindows: 1, transport: tail)
    #expect(local[0].tokens == 47)
    #expect(remote[0].kl < 1e-6)
    expectClose(remote, local)
  }

  @Test func distributionsAreChunkedToTheReplyLimit() throws {
    let loaded = try TinyOPT.load()
    let running = try RunningServer(model: loaded.model)
    defer { running.stop() }
    var head = try SplitHead(model: loaded.model, split: 2)
    let payloads = try head.forwardPayloads(Array(2..<40))
    var local = try LocalTail(model: loaded.model, split: 2, codec: .none, sampling: .greedy)
    let meter = WireMeter()
    // 1 MB replies: 10 positions of 2 × 50,272 bytes each, so 37 positions take 4 SCOREs.
    var remote = try remoteTail(
      running.endpoint, loaded, split: 2, codec: .none,
      options: RemoteTailOptions(maximumReplyBytes: 1 << 20, meter: meter))
    let targets = Array(2..<40)
    let exact = try local.score(payloads, targets: targets, distributions: true)
    let wire = try remote.score(payloads, targets: targets, distributions: true)
    #expect(meter.stats.sent[.score]?.frames == 4)
    #expect(wire.argmax == exact.argmax)
    let rows = try #require(wire.distributions)
    let logits = try #require(exact.distributions)
    #expect(rows.rows == 37 && rows.columns == 50_272 && logits.rows == 37)
    // Each value is the server's log-softmax rounded to binary16: within half a step (2⁻¹¹
    // relative) of the exact log-probability.
    for position in [0, 17, 36] {
      let exactRow = Softmax.logProbabilities(logits.row(position))
      let wireRow = rows.row(position)
      let worst = zip(exactRow, wireRow).map { abs($0 - Double($1)) / abs($0) }.max() ?? 1
      #expect(worst <= 0x1p-11)
    }
    // Without distributions the scores are the same and the table is absent.
    let plain = try remote.score(payloads, targets: targets)
    #expect(plain.distributions == nil && plain.argmax == exact.argmax)
  }
}

extension SplitHead {
  /// The head's hidden states for `tokens` as uncompressed payloads.
  fileprivate mutating func forwardPayloads(_ tokens: [Int]) throws -> [LinkPayload] {
    LinkEncoder(.none).encode(try forward(tokens)).payloads
  }
}

/// `slicer eval --server` as a user runs it, against `slicer serve`.
@Suite(
  .enabled(if: SlicerBinary.isBuilt, "build the slicer binary first (swift build)"), .serialized)
struct EvalCommandThroughServerTests {
  let model = "Tests/Fixtures/tiny-opt"
  /// The start of WikiText-2's test set (tokenizing all 1.3 MB takes a debug build a while).
  let text: URL

  init() throws {
    let raw = try String(contentsOf: Fixtures.url("wikitext-2-raw/wiki.test.raw"), encoding: .utf8)
    text = FileManager.default.temporaryDirectory.appendingPathComponent(
      "slicer-eval-\(UUID().uuidString).raw")
    try String(raw.prefix(4_000)).write(to: text, atomically: true, encoding: .utf8)
  }

  func eval(_ extra: [String], json: URL? = nil) throws -> SlicerBinary.Result {
    try SlicerBinary.run(
      [
        "eval", "--model", model, "--text", text.path, "--ctx", "64", "--max-windows", "1",
        "--codecs", "int8,slicer:1e-3",
      ] + (json.map { ["--json", $0.path] } ?? []) + extra)
  }

  func rows(_ url: URL) throws -> [RateDistortionRow] {
    try JSONDecoder().decode([RateDistortionRow].self, from: Data(contentsOf: url))
  }

  @Test func evalThroughTheServerGivesTheInProcessTable() throws {
    let server = try SlicerBinary.Server(["--model", model, "--port", "0"])
    defer { #expect(server.stop() == 0) }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "slicer-eval-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let localJSON = directory.appendingPathComponent("local.json")
    let remoteJSON = directory.appendingPathComponent("remote.json")
    defer { try? FileManager.default.removeItem(at: text) }
    let local = try eval(["--split", "1,3"], json: localJSON)
    let at = "127.0.0.1:\(server.port)"
    let remote = try eval(["--split", "1,3", "--server", at], json: remoteJSON)
    #expect(local.status == 0 && remote.status == 0, "\(remote.stderr)")
    let l = try rows(localJSON)
    let r = try rows(remoteJSON)
    #expect(l.map(\.codec) == ["none", "int8", "slicer:0.001", "none", "int8", "slicer:0.001"])
    #expect(l.map(\.split) == [1, 1, 1, 3, 3, 3])
    EvalThroughServerTests().expectClose(r, l)
    // The table is the same but for the wire's last line (and KL digits below the tolerance).
    let last = remote.stdout.split(separator: "\n").last.map(String.init) ?? ""
    #expect(last.hasPrefix("tail at \(at): wire "), "\(remote.stdout)")
    #expect(!local.stdout.contains("tail at"))
  }

  @Test func unreachableServerAndBadSplitAreOneLine() throws {
    defer { try? FileManager.default.removeItem(at: text) }
    let stopped = try SlicerBinary.Server(["--model", model, "--port", "0"])
    _ = stopped.stop()
    let gone = "127.0.0.1:\(stopped.port)"
    let unreachable = try eval(["--split", "2", "--server", gone])
    #expect(unreachable.status == 1)
    #expect(
      unreachable.stderr
        == "Error: cannot reach the tail server at \(gone): connection refused; is `slicer serve` running there?\n"
    )
    #expect(unreachable.stdout.isEmpty)

    let server = try SlicerBinary.Server(["--model", model, "--port", "0"])
    defer { _ = server.stop() }
    let at = "127.0.0.1:\(server.port)"
    // Split 4 is a split in this process (the tail is the LM head), but a server refuses it.
    let split = try eval(["--split", "4", "--server", at])
    #expect(split.status == 1)
    #expect(
      split.stderr
        == "Error: the tail server at \(at) said: split 4 is not in 1…3 for this 4-layer model\n")
    let missing = try eval(["--split", "2", "--server", "nowhere"])
    #expect(missing.status != 0)
    #expect(missing.stderr.contains("--server"), "\(missing.stderr)")
  }
}
