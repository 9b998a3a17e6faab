import ArgumentParser
import Foundation
import SlicerCodec
import SlicerModel
import SlicerServer
import SlicerWire

/// `--server` and `--token`: where the tail runs, for every command that has one (`generate`,
/// `perplexity` and `replay` through `LinkOptions`, and `eval`, which compares several codecs
/// and so has no `--codec`).
struct ServerOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Run the tail on a `slicer serve` server at HOST:PORT instead of in this process.",
      valueName: "host:port"),
    transform: { text in try ServerEndpoint(parsing: text) })
  var server: ServerEndpoint?

  @Option(
    help: ArgumentHelp(
      "The server's auth token (default: $SLICER_TOKEN), for --server.", valueName: "secret"))
  var token: String?

  /// `--token`, else `$SLICER_TOKEN` (which keeps the secret out of the process list).
  var authToken: String? {
    token ?? ProcessInfo.processInfo.environment["SLICER_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
  }

  /// Client options for `--server`: reconnect events go to stderr.
  func remoteOptions(meter: WireMeter) -> RemoteTailOptions {
    RemoteTailOptions(authToken: authToken, meter: meter) { event in
      Output.error("[\(event)]\n")
    }
  }

  /// Makes the tail for each split and codec a command asks for: in-process, or a session on
  /// `--server` (errors are one line: unreachable server, other weights, bad split).
  func tailFactory(for loaded: LoadedModel, meter: WireMeter = WireMeter()) -> TailFactory {
    guard let server else { return ChatSession.localTail }
    return RemoteTail.factory(
      endpoint: server, fingerprint: ModelFingerprint(model: loaded.model),
      options: remoteOptions(meter: meter))
  }

  /// A session on `--server` for `split`, else nil (the caller's own in-process default).
  func remoteTransport(
    for loaded: LoadedModel, split: Int, codec: CodecSpec = .none, meter: WireMeter = WireMeter()
  ) throws -> (any TailTransport)? {
    guard server != nil else { return nil }
    return try tailFactory(for: loaded, meter: meter)(
      loaded.model, ChatSettings(split: split, codec: codec, sampling: .greedy))
  }

  /// With `--server`, opens and closes a session for each split before any work, so that an
  /// unreachable server, other weights or a split the server refuses is a one-line error at
  /// once rather than after the splits before it have run.
  func checkSessions(for loaded: LoadedModel, splits: [Int]) throws {
    guard server != nil else { return }
    let open = tailFactory(for: loaded)
    for split in splits {
      let tail = try open(loaded.model, ChatSettings(split: split, codec: .none, sampling: .greedy))
      (tail as? RemoteTail)?.close()
    }
  }

  /// Everything that crossed the wire, when the tail is remote: "tail at 127.0.0.1:7070: wire
  /// 0.06 MB out, 40.12 MB back (24 and 24 frames)".
  func wireTotals(_ meter: WireMeter) -> String? {
    guard let server else { return nil }
    let stats = meter.stats
    let out = stats.totalSent
    let back = stats.totalReceived
    return String(
      format: "tail at %@: wire %.2f MB out, %.2f MB back (%d and %d frames)", server.description,
      Double(out.bytes) / 1e6,
      Double(back.bytes) / 1e6, out.frames, back.frames)
  }
}
