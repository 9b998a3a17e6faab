import Foundation
import SlicerCodec
import SlicerModel
import SlicerServer
import SlicerTestSupport
import SlicerWire

/// The tiny random OPT fixture (4 layers, d = 64, context 128), loaded once.
enum TinyOPT {
  nonisolated(unsafe) private static var cached: LoadedModel?
  private static let lock = NSLock()

  static func load() throws -> LoadedModel {
    lock.lock()
    defer { lock.unlock() }
    if let cached { return cached }
    let loaded = try ModelLoader.load(Fixtures.url("tiny-opt").path)
    cached = loaded
    return loaded
  }

  static var fingerprint: ModelFingerprint {
    get throws { ModelFingerprint(model: try load().model) }
  }
}

enum SmolLM2 {
  static var isPresent: Bool { SmolLM2Weights.isPresent }
  /// Loaded once for the whole target.
  private static let model = LoadedOnce { try ModelLoader.load(SmolLM2Weights.path) }
  static func load() throws -> LoadedModel { try model.get() }
}

/// A server on a loopback port the system picks, stopped when the test is done.
struct RunningServer {
  let server: TailServer
  let endpoint: ServerEndpoint

  init(model: any DecoderModel, _ configure: (inout ServerConfiguration) -> Void = { _ in }) throws
  {
    var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
    configure(&configuration)
    server = try TailServer(model: model, configuration: configuration)
    try server.start()
    endpoint = ServerEndpoint(host: "127.0.0.1", port: server.port ?? 0)
  }

  func stop() { server.shutdown(grace: .seconds(2)) }
}

/// Client options for tests: short timeouts, quick retries.
func testOptions(
  token: String? = nil, attempts: Int = 3, meter: WireMeter = WireMeter(),
  events: (@Sendable (String) -> Void)? = nil
) -> RemoteTailOptions {
  RemoteTailOptions(
    authToken: token, connectTimeout: 5, replyTimeout: 120,
    retry: RetryPolicy(attempts: attempts, initialDelay: 0.05, maximumDelay: 0.5), meter: meter,
    onEvent: events)
}

/// Greedy tokens after `prompt` through `transport` (the in-process tail when nil).
func generate(
  _ loaded: LoadedModel, split: Int, codec: CodecSpec, prompt: [Int], maxTokens: Int,
  sampling: SamplingParameters = .greedy, transport: (any TailTransport)? = nil,
  onStep: (Int) -> Void = { _ in }
) throws -> [Int] {
  let tail =
    try transport
    ?? LocalTail(model: loaded.model, split: split, codec: codec, sampling: sampling)
  var generator = Generator(
    head: try SplitHead(model: loaded.model, split: split), codec: codec, transport: tail)
  var tokens: [Int] = []
  _ = try generator.generate(prompt: prompt, maxTokens: maxTokens, stopTokens: []) { step in
    tokens.append(step.token)
    onStep(tokens.count)
    return true
  }
  return tokens
}

/// A remote tail on `endpoint` for the tiny model.
func remoteTail(
  _ endpoint: ServerEndpoint, _ loaded: LoadedModel, split: Int, codec: CodecSpec,
  sampling: SamplingParameters = .greedy, options: RemoteTailOptions = testOptions()
) throws -> RemoteTail {
  try RemoteTail(
    endpoint: endpoint, model: loaded.model, fingerprint: ModelFingerprint(model: loaded.model),
    split: split, codec: codec, sampling: sampling, options: options)
}
