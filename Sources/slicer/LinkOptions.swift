import ArgumentParser
import SlicerCodec
import SlicerModel

/// `--codec`: how hidden states cross the split.
struct LinkOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Codec for the hidden states: none, fp32, fp16, bf16, int8, topk:FRACTION:BITS, slicer:BUDGET (default: none).",
      valueName: "codec"),
    transform: { text in try CodecSpec(parsing: text) })
  var codec: CodecSpec = .none
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
