import SlicerCodec
import SlicerModel

/// The line `slicer chat --plain` prints after each answer:
/// `[12 tokens, 7.9 tok/s, first token 812 ms, split 15/30, slicer:0.001 2934 bits/token (3.1× below fp16), distortion 9.5e-04 (-30.2 dB), context 57/8192, eos]`
public enum StatsLine {
  public static func format(
    turn: LinkStatistics.TurnTotals, stop: StopReason, settings: ChatSettings, model: ModelSummary,
    positionsUsed: Int, endpoint: TailEndpoint = .inProcess
  ) -> String {
    var parts = ["\(turn.tokens) tokens"]
    if let rate = turn.tokensPerSecond { parts.append("\(Format.fixed(rate)) tok/s") }
    if let first = turn.firstTokenSeconds {
      parts.append("first token \(Format.milliseconds(first * 1000)) ms")
    }
    parts.append("split \(settings.split)/\(model.layerCount)")
    if endpoint != .inProcess { parts.append("tail \(endpoint)") }
    if let bits = turn.bitsPerToken {
      if settings.codec == .none {
        parts.append("no codec (fp32 floats)")
      } else {
        let ratio = bits > 0 ? Double(model.fp16Bits) / bits : 0
        parts.append(
          "\(settings.codec) \(Format.fixed(bits, digits: 0)) bits/token (\(Format.fixed(ratio))× below fp16)"
        )
      }
    }
    if let distortion = turn.meanDistortion, settings.codec != .none {
      parts.append("distortion \(Format.scientific(distortion)) (\(Format.decibels(distortion)))")
    }
    parts.append("context \(positionsUsed)/\(model.contextLength)")
    switch stop {
    case .endOfSequence: parts.append("end of answer")
    case .maxTokens, .splitChange: parts.append("length limit")
    case .contextFull: parts.append("context full: /reset starts a new conversation")
    case .cancelled: parts.append("stopped")
    }
    return "[" + parts.joined(separator: ", ") + "]"
  }
}
