import Foundation
import SlicerCodec
import SlicerModel
import SlicerServer
import Testing

/// Many clients at once against one server: all finish, each with its in-process tokens, and
/// the server batches their steps.
@Suite struct LoadTests {
  final class Results: @unchecked Sendable {  // each slot written by one thread, read after join
    var tokens: [[Int]]
    var errors: [String] = []
    let lock = NSLock()
    init(count: Int) { tokens = Array(repeating: [], count: count) }
    func fail(_ message: String) {
      lock.lock()
      errors.append(message)
      lock.unlock()
    }
  }

  static func prompt(_ client: Int) -> [Int] {
    [2] + (0..<(4 + client % 5)).map { (client * 7919 + $0 * 104_729 + 11) % 50_000 + 3 }
  }

  @Test func thirtyTwoClientsOfThirtyTwoTokens() throws {
    let loaded = try TinyOPT.load()
    let clients = 32
    let tokens = 32
    let split = 2
    let codec = CodecSpec.int8
    let running = try RunningServer(model: loaded.model) { $0.maximumSessions = clients }
    defer { running.stop() }
    let expected = try (0..<clients).map {
      try generate(loaded, split: split, codec: codec, prompt: Self.prompt($0), maxTokens: tokens)
    }

    let results = Results(count: clients)
    let group = DispatchGroup()
    let endpoint = running.endpoint
    for client in 0..<clients {
      group.enter()
      Thread.detachNewThread {
        defer { group.leave() }
        do {
          let tail = try remoteTail(endpoint, loaded, split: split, codec: codec)
          results.tokens[client] = try generate(
            loaded, split: split, codec: codec, prompt: Self.prompt(client), maxTokens: tokens,
            transport: tail)
          tail.close()
        } catch {
          results.fail("client \(client): \(error)")
        }
      }
    }
    // Bounded: every socket call has a timeout; this is the backstop.
    #expect(group.wait(timeout: .now() + 300) == .success)
    #expect(results.errors.isEmpty, "\(results.errors)")
    for client in 0..<clients {
      #expect(results.tokens[client] == expected[client], "client \(client)")
    }
    let statistics = running.server.metrics.snapshot
    #expect(statistics.tokens == clients * tokens)
    #expect(statistics.sessionsOpened == clients)
    #expect(statistics.batchedRows > 0)  // some steps ran together
  }
}
