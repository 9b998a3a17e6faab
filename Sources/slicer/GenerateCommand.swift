import ArgumentParser
import Foundation
import SlicerCodec
import SlicerModel
import SlicerServer
import SlicerTokenizer

struct GenerateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate",
    abstract: "Continue a prompt through the split model, streaming the text.",
    discussion: "Ctrl-C stops the generation and prints what was produced so far.")

  @OptionGroup var options: ModelOptions
  @OptionGroup var sampling: SamplingOptions
  @OptionGroup var link: LinkOptions

  @Option(help: "The prompt text.")
  var prompt: String

  @Flag(help: "Feed the prompt as plain text, without the model's chat template.")
  var raw = false

  @Option(help: "System prompt for chat models (default: the model's own).")
  var system: String?

  @Option(name: .customLong("max-tokens"), help: "Most tokens to generate.")
  var maxTokens: Int = 64

  @Flag(help: "Print one JSON object (token_ids, text, …) instead of streaming text.")
  var json = false

  func validate() throws {
    guard maxTokens > 0 else { throw ValidationError("--max-tokens must be positive") }
  }

  func run() throws {
    let loaded = try options.load()
    let split = try options.resolvedSplit(for: loaded.info)
    let promptIDs = raw ? loaded.encode(prompt) : loaded.promptIDs(prompt, system: system)
    let meter = WireMeter()
    var generator = Generator(
      head: try SplitHead(model: loaded.model, split: split), codec: link.codec,
      transport: try link.transport(
        for: loaded, split: split, sampling: sampling.parameters, meter: meter))
    var detokenizer = StreamingDetokenizer(tokenizer: loaded.tokenizer)
    var tokens: [Int] = []
    var text = ""
    var summary = LinkSummary()
    let interrupt = Interrupt()
    let start = ContinuousClock.now
    var firstToken: Duration?

    let reason: StopReason
    do {
      reason = try generator.generate(
        prompt: promptIDs, maxTokens: maxTokens, stopTokens: loaded.stopTokens
      ) { step in
        if firstToken == nil { firstToken = ContinuousClock.now - start }
        let token = step.token
        summary.add(step)
        tokens.append(token)
        if !loaded.stopTokens.contains(token) {
          let piece = detokenizer.append(token)
          text += piece
          if !json { Output.write(piece) }
        }
        return !interrupt.isRequested
      }
    } catch let error as GenerationError {
      throw CLIError(error.description)
    }
    let tail = detokenizer.flush()
    text += tail
    let elapsed = ContinuousClock.now - start
    if json {
      let result = GenerateResult(
        model: loaded.info.name, split: split, promptTokens: promptIDs.count, tokenIDs: tokens,
        text: text, stopReason: reason, seconds: elapsed.seconds,
        timeToFirstTokenSeconds: firstToken?.seconds ?? 0, codec: link.codec.description,
        bitsPerToken: summary.bitsPerPosition, distortion: summary.meanDistortion,
        wireBytesPerStep: link.wireBytesPerStep(meter))
      Output.write(try JSONOutput.string(result) + "\n")
    } else {
      Output.write(tail + "\n")
      let rate = Double(max(tokens.count - 1, 0)) / max(elapsed.seconds - (firstToken?.seconds ?? 0), 1e-9)
      var note = "[\(tokens.count) tokens, \(String(format: "%.1f", rate)) tok/s, split \(split)/\(loaded.info.layerCount)"
      if link.codec != .none {
        note += String(
          format: ", %@ %.0f bits/token (%.1f× below fp16), distortion %.2e", link.codec.description,
          summary.bitsPerPosition, 16 * Double(loaded.info.hiddenSize) / max(summary.bitsPerPosition, 1),
          summary.meanDistortion)
      }
      if let wire = link.wireSummary(meter) { note += ", " + wire }
      switch reason {
      case .contextFull: note += ", stopped: the context of \(loaded.info.contextLength) positions is full"
      case .cancelled: note += ", stopped by Ctrl-C"
      case .endOfSequence: note += ", end of sequence"
      case .maxTokens, .splitChange: break
      }
      Output.error(note + "]\n")
    }
  }
}

struct GenerateResult: Encodable {
  var model: String
  var split: Int
  var promptTokens: Int
  var tokenIDs: [Int]
  var text: String
  var stopReason: StopReason
  var seconds: Double
  var timeToFirstTokenSeconds: Double
  var codec: String
  var bitsPerToken: Double
  var distortion: Double
  /// STEP frame bytes per step through `--server` (absent in process).
  var wireBytesPerStep: Double?

  enum CodingKeys: String, CodingKey {
    case model, split, text, seconds, codec, distortion
    case wireBytesPerStep = "wire_bytes_per_step"
    case bitsPerToken = "bits_per_token"
    case promptTokens = "prompt_tokens"
    case tokenIDs = "token_ids"
    case stopReason = "stop_reason"
    case timeToFirstTokenSeconds = "time_to_first_token_seconds"
  }
}
