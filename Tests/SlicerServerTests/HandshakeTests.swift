import Foundation
import SlicerCodec
import SlicerModel
import SlicerServer
import SlicerWire
import Testing

/// Each reason a session cannot start is one line on the client, naming what clashed.
@Suite struct HandshakeTests {
  func message(_ body: () throws -> Void) -> String? {
    do {
      try body()
      return nil
    } catch {
      return "\(error)"
    }
  }

  @Test func otherWeightsWrongTokenAndBadSplit() throws {
    let loaded = try TinyOPT.load()
    let running = try RunningServer(model: loaded.model) { $0.authToken = "s3cret" }
    defer { running.stop() }
    let at = "the tail server at \(running.endpoint)"
    let short = running.server.fingerprint.short
    let other = ModelFingerprint(Array(0..<16))!

    let mismatch = message {
      _ = try RemoteTail(
        endpoint: running.endpoint, model: loaded.model, fingerprint: other, split: 2,
        codec: .fp16, sampling: .greedy, options: testOptions(token: "s3cret"))
    }
    #expect(
      mismatch
        == "\(at) said: the server runs tiny-opt (weights \(short)), the client tiny-opt (weights 00010203); load the same checkpoint on both sides"
    )
    #expect(
      message { _ = try remoteTail(running.endpoint, loaded, split: 2, codec: .fp16) }
        == "\(at) said: the server needs an auth token; pass the server's secret with --token")
    #expect(
      message {
        _ = try remoteTail(
          running.endpoint, loaded, split: 2, codec: .fp16, options: testOptions(token: "guess"))
      } == "\(at) said: the auth token is wrong; pass the server's secret with --token")
    for split in [0, 4] {
      #expect(
        message {
          _ = try remoteTail(
            running.endpoint, loaded, split: split, codec: .fp16,
            options: testOptions(token: "s3cret"))
        } == "\(at) said: split \(split) is not in 1…3 for this 4-layer model")
    }
    // With everything right, the session opens.
    let tail = try remoteTail(
      running.endpoint, loaded, split: 3, codec: .fp16, options: testOptions(token: "s3cret"))
    #expect(tail.server.modelName == "tiny-opt")
    #expect(tail.server.layerCount == 4)
    #expect(tail.server.limits.maximumContext == 128)
  }

  @Test func anotherProtocolVersionOrProtocol() throws {
    let loaded = try TinyOPT.load()
    var future = WireMessage.helloOK(
      HelloOK(
        server: "slicer 9", modelName: "x", layerCount: 4, vocabularySize: 10,
        limits: ServerLimits(maximumFrameBytes: 4096, maximumContext: 10, idleTimeoutSeconds: 0))
    ).encode()
    future[6] = 2  // length, type, "SLCR", then the version's low byte
    let v2 = try FakeServer(reply: future)
    #expect(
      message {
        _ = try remoteTail(
          ServerEndpoint(host: "127.0.0.1", port: v2.port), loaded, split: 2, codec: .fp16)
      }
        == "the tail server at 127.0.0.1:\(v2.port) is incompatible: the server speaks protocol version 2 but this client speaks version 1; run the same slicer release on both sides"
    )
    let http = try FakeServer(reply: Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8))
    #expect(
      message {
        _ = try remoteTail(
          ServerEndpoint(host: "127.0.0.1", port: http.port), loaded, split: 2, codec: .fp16)
      }
        == "the tail server at 127.0.0.1:\(http.port) broke the protocol: unknown message type 0x54: the peer does not speak slicer protocol version 1"
    )
  }

  @Test func nobodyListening() throws {
    let loaded = try TinyOPT.load()
    let stopped = try RunningServer(model: loaded.model)
    stopped.server.terminate()
    #expect(
      message { _ = try remoteTail(stopped.endpoint, loaded, split: 2, codec: .fp16) }
        == "cannot reach the tail server at \(stopped.endpoint): connection refused; is `slicer serve` running there?"
    )
  }

  @Test func listeningBeyondLoopbackNeedsAToken() throws {
    let model = try TinyOPT.load().model
    #expect(throws: ServerError.publicBindWithoutToken(host: "0.0.0.0")) {
      _ = try TailServer(model: model, configuration: ServerConfiguration(host: "0.0.0.0", port: 0))
    }
    #expect(
      ServerError.publicBindWithoutToken(host: "0.0.0.0").description
        == "refusing to listen on 0.0.0.0 without --token: anyone who can reach it could use the model; pass --token SECRET (clients send it with --token), or bind 127.0.0.1"
    )
    #expect(ServerConfiguration.isLoopback("127.0.0.1"))
    #expect(ServerConfiguration.isLoopback("127.1.2.3"))
    #expect(ServerConfiguration.isLoopback("localhost"))
    #expect(ServerConfiguration.isLoopback("::1"))
    #expect(!ServerConfiguration.isLoopback("0.0.0.0"))
    #expect(!ServerConfiguration.isLoopback("127.0.0.1.evil.com"))
    #expect(!ServerConfiguration.isLoopback("192.168.1.2"))
  }

  @Test func endpointsParse() throws {
    #expect(
      try ServerEndpoint(parsing: "127.0.0.1:7070") == ServerEndpoint(host: "127.0.0.1", port: 7070)
    )
    #expect(try ServerEndpoint(parsing: "[::1]:80") == ServerEndpoint(host: "::1", port: 80))
    #expect(
      throws: EndpointError(text: "localhost", reason: "expected HOST:PORT, e.g. 127.0.0.1:7070")
    ) {
      try ServerEndpoint(parsing: "localhost")
    }
    #expect(
      throws: EndpointError(text: "h:99999", reason: "the port '99999' is not a number in 1…65535")
    ) {
      try ServerEndpoint(parsing: "h:99999")
    }
  }
}
