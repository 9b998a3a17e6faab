import ArgumentParser
import Foundation
import SlicerCodec
import SlicerModel
import SlicerServer
import SlicerWire

/// `--codec`: how hidden states cross the split; `--server`: where the tail runs.
struct LinkOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Codec for the hidden states: none, fp32, fp16, bf16, int8, topk:FRACTION:BITS, slicer:BUDGET[:g=GROUPS][:m=rel|mse] (default: none).",
      valueName: "codec"),
    transform: { text in try CodecSpec(parsing: text) })
  var codec: CodecSpec = .none

  @OptionGroup var remote: ServerOptions

  var server: ServerEndpoint? { remote.server }

  /// Client options for `--server`: reconnect events go to stderr.
  func remoteOptions(meter: WireMeter) -> RemoteTailOptions { remote.remoteOptions(meter: meter) }

  /// Makes the tail for each split and codec a conversation asks for: in-process, or a session
  /// on `--server` (`chat`, `replay`).
  func tailFactory(for loaded: LoadedModel, meter: WireMeter = WireMeter()) -> TailFactory {
    remote.tailFactory(for: loaded, meter: meter)
  }

  /// The tail for one split: in-process, or connected to `--server` (errors are one line).
  func transport(
    for loaded: LoadedModel, split: Int, sampling: SamplingParameters = .greedy,
    meter: WireMeter = WireMeter()
  ) throws -> any TailTransport {
    try tailFactory(for: loaded, meter: meter)(
      loaded.model, ChatSettings(split: split, codec: codec, sampling: sampling))
  }

  /// The remote tail when `--server` is given, else nil (the caller's own in-process default).
  func remoteTransport(
    for loaded: LoadedModel, split: Int, sampling: SamplingParameters = .greedy,
    meter: WireMeter = WireMeter()
  ) throws -> (any TailTransport)? {
    server == nil ? nil : try transport(for: loaded, split: split, sampling: sampling, meter: meter)
  }

  /// What a step cost on the wire, when the tail is remote: "wire 131 B/step out, 12 B back".
  func wireSummary(_ meter: WireMeter) -> String? {
    guard server != nil else { return nil }
    let stats = meter.stats
    guard let steps = stats.sent[.step], steps.frames > 0 else { return nil }
    let replies = stats.received[.token] ?? WireStats.Counter()
    return String(
      format: "wire %.0f B/step out, %.0f B back", Double(steps.bytes) / Double(steps.frames),
      Double(replies.bytes) / Double(max(replies.frames, 1)))
  }

  /// STEP frame bytes per step, when the tail is remote.
  func wireBytesPerStep(_ meter: WireMeter) -> Double? {
    guard server != nil, let steps = meter.stats.sent[.step], steps.frames > 0 else { return nil }
    return Double(steps.bytes) / Double(steps.frames)
  }
}

/// Running totals of what crossed the link during a generation.
struct LinkSummary {
  var positions = 0
  var bits = 0
  var distortion = 0.0

  mutating func add(_ step: StepRecord) {
    positions += step.positions
    bits += step.bits
    distortion += step.link.reduce(0) { $0 + $1.distortion }
  }

  var bitsPerPosition: Double { positions > 0 ? Double(bits) / Double(positions) : 0 }
  var meanDistortion: Double { positions > 0 ? distortion / Double(positions) : 0 }
}
