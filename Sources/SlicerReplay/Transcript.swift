import Foundation
import SlicerCodec
import SlicerModel

/// The markdown record of a replay, made to be read and diffed:
///
///     # Replay of Prompts/basics.prompt
///
///     - model: tiny-opt (opt, 4 layers, hidden 64, context 128)
///     - start: split 2/4 · codec int8 · greedy · max 16 tokens
///     <!-- run: 0.412 s -->
///
///     ## Conversation 1
///
///     - line 3: `/budget 0.01` → codec slicer:0.01
///
///     ### Turn 1 (line 5)
///
///     User:
///
///     > What is the capital of France?
///
///     Assistant:
///
///     > … the reply, one quoted line per line …
///
///     - settings: split 2/4 · codec slicer:0.01 · greedy · max 16 tokens
///     - tokens: 16, stop max_tokens
///     - ids: 50118 1437 …
///     - link: 31 positions, 412.6 bits/token, 0.403 of fp16, distortion 9.871e-03 (max 1.002e-02)
///     - bits/token by part: header 28.1, positions 187.3, scales 61.0, values 130.2, padding 6.0
///     - kept entries/token: K+ 20.3, K− 19.1
///     - bitwidths (entries): dropped 762, 0-bit 31, 2-bit 402, 3-bit 789
///     <!-- run: 0.101 s; head 2.1 ms, encode 31.7 ms, tail 4.0 ms, round trip 4.4 ms; tail in-process -->
///
///     ## Totals
///
///     - totals: 3 turns, 40 tokens, 77 positions, 30654 bits, 398.1 bits/token, 0.389 of fp16, distortion 9.765e-03
///     - bitwidths (entries): …
///     <!-- run: … -->
///
/// Everything that varies between runs of the same file — timings, where the tail ran — is on
/// lines starting with `<!-- run:` (invisible when the markdown is rendered), which golden
/// comparisons leave out. Everything else is a function of the file, model and settings, so two
/// replays give the same text byte for byte.
public enum Transcript {
  /// Lines with this prefix vary from run to run; `GoldenCheck` ignores them.
  public static let runLinePrefix = "<!-- run:"

  public static func isRunLine(_ line: some StringProtocol) -> Bool {
    line.hasPrefix(runLinePrefix)
  }

  /// `transcript` without its run lines: what a golden holds, so that rewriting a golden
  /// changes only lines that mean something.
  public static func withoutRunLines(_ transcript: String) -> String {
    transcript.split(separator: "\n", omittingEmptySubsequences: false)
      .filter { !isRunLine($0) }.joined(separator: "\n")
  }

  public static func render(_ result: ReplayResult) -> String {
    var out: [String] = []
    let info = result.model
    out.append("# Replay of \(result.file)")
    out.append("")
    out.append(
      "- model: \(info.name) (\(info.architecture), \(info.layerCount) layers, hidden "
        + "\(info.hiddenSize), context \(info.contextLength))")
    out.append("- start: \(describe(result.start, layers: info.layerCount))")
    out.append(runLine(String(format: "%.3f s", result.seconds)))
    /// Sections are separated by exactly one blank line.
    func blank() { if out.last != "" { out.append("") } }
    var conversation = 0
    var turnsInConversation = 0
    func enter(_ number: Int) {
      conversation = number
      turnsInConversation = 0
      blank()
      out += ["## Conversation \(number)", ""]
    }
    for event in result.events {
      switch event {
      case .directive(let line, let directive, let settings):
        // A directive belongs to the conversation of the next turn; /reset ends the current one.
        if conversation == 0 { enter(1) }
        if out.last?.hasPrefix("- line ") != true { blank() }
        out.append("- line \(line): `\(directive.text)`\(effect(directive, settings, info))")
        if case .reset = directive, turnsInConversation > 0 { enter(conversation + 1) }
      case .turn(let turn):
        if turn.conversation != conversation { enter(turn.conversation) }
        turnsInConversation += 1
        blank()
        out += render(turn, info)
      }
    }
    let totals = result.totals
    blank()
    out += ["## Totals", ""]
    out.append(
      "- totals: \(result.turns.count) turns, \(result.tokenCount) tokens, \(totals.positions) "
        + "positions, \(totals.bits) bits, " + linkFigures(totals))
    out.append("- bitwidths (entries): \(totals.histogram.description)")
    out.append(runLine(timings(totals, seconds: result.seconds)))
    return out.joined(separator: "\n") + "\n"
  }

  private static func render(_ turn: ReplayTurn, _ info: ModelInfo) -> [String] {
    let link = turn.link
    var out = ["### Turn \(turn.number) (line \(turn.line))", "", "User:", ""]
    out += quote(turn.user)
    out += ["", "Assistant:", ""]
    out += quote(turn.reply)
    out.append("")
    out.append("- settings: \(describe(turn.settings, layers: info.layerCount))")
    out.append("- tokens: \(turn.tokens.count), stop \(turn.stop.rawValue)")
    out.append("- ids: \(turn.tokens.map(String.init).joined(separator: " "))")
    out.append(
      "- link: \(link.positions) positions, \(linkFigures(link)) (max \(scientific(link.maxDistortion)))"
    )
    let perPosition = { (bits: Int) in
      String(format: "%.1f", link.positions > 0 ? Double(bits) / Double(link.positions) : 0)
    }
    out.append(
      "- bits/token by part: header \(perPosition(link.headerBits)), positions "
        + "\(perPosition(link.positionBits)), scales \(perPosition(link.scaleBits)), values "
        + "\(perPosition(link.valueBits)), padding \(perPosition(link.paddingBits))")
    out.append(
      String(
        format: "- kept entries/token: K+ %.1f, K− %.1f", link.meanKPositive, link.meanKNegative))
    out.append("- bitwidths (entries): \(link.histogram.description)")
    out.append(runLine(timings(link, seconds: turn.seconds) + "; tail \(turn.endpoint)"))
    return out
  }

  /// `412.6 bits/token, 0.403 of fp16, distortion 9.871e-03`; `none` is marked as what fp32
  /// would cost, since no real link is modelled.
  private static func linkFigures(_ link: LinkTotals) -> String {
    var text = String(format: "%.1f bits/token, %.3f of fp16", link.bitsPerToken, link.ratioToFP16)
    if link.positions > 0, link.passthroughPositions == link.positions {
      text += " (fp32 passthrough)"
    }
    return text + ", distortion \(scientific(link.meanDistortion))"
  }

  private static func timings(_ link: LinkTotals, seconds: Double) -> String {
    String(
      format: "%.3f s; head %.1f ms, encode %.1f ms, tail %.1f ms, round trip %.1f ms", seconds,
      link.headSeconds * 1e3, link.encodeSeconds * 1e3, link.tailSeconds * 1e3,
      link.roundTripSeconds * 1e3)
  }

  private static func runLine(_ text: String) -> String { "\(runLinePrefix) \(text) -->" }

  static func scientific(_ value: Double) -> String { String(format: "%.3e", value) }

  /// `split 2/4 · codec int8 · greedy · max 16 tokens` (and the system prompt when set).
  static func describe(_ settings: ChatSettings, layers: Int) -> String {
    var parts = ["split \(settings.split)/\(layers)", "codec \(settings.codec)"]
    parts.append(describe(settings.sampling))
    parts.append("max \(settings.maxTokens) tokens")
    if let system = settings.system { parts.append("system \(quoteInline(system))") }
    return parts.joined(separator: " · ")
  }

  static func describe(_ sampling: SamplingParameters) -> String {
    var parts: [String] = []
    if sampling.isGreedy {
      parts.append("greedy")
    } else {
      parts.append("temp \(sampling.temperature ?? 0), seed \(sampling.seed)")
      if let k = sampling.topK, k > 0 { parts.append("top-k \(k)") }
      if let p = sampling.topP, p < 1 { parts.append("top-p \(p)") }
    }
    if let penalty = sampling.repetitionPenalty, penalty != 1 {
      parts.append("repetition penalty \(penalty)")
    }
    return parts.joined(separator: ", ")
  }

  /// What a directive changed, for its line in the transcript.
  private static func effect(
    _ directive: PromptDirective, _ settings: ChatSettings, _ info: ModelInfo
  ) -> String {
    switch directive {
    case .budget: " → codec \(settings.codec)"
    case .temperature, .seed: " → \(describe(settings.sampling))"
    case .reset: " → a new conversation"
    default: ""
    }
  }

  /// Text as markdown quote lines, escaped so that every character is visible and survives
  /// editors: `\\`, `\t`, `\r`, `\n` (inline only), other control characters as `\u{XX}`, and a line's last
  /// character as `\u{20}` when it is a space (editors strip trailing blanks).
  static func quote(_ text: String) -> [String] {
    // Split on the scalar: "\r\n" is one Character, and its "\r" must show as `\r`.
    text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      let escaped = escape(String(String.UnicodeScalarView(line)))
      return escaped.isEmpty ? ">" : "> " + escaped
    }
  }

  /// `"text"` on one line, escaped as `quote` does, newlines as `\n`.
  static func quoteInline(_ text: String) -> String {
    "\"" + escape(text) + "\""
  }

  static func escape(_ line: some StringProtocol) -> String {
    var out = ""
    for scalar in line.unicodeScalars {
      switch scalar {
      case "\\": out += "\\\\"
      case "\t": out += "\\t"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value):
        out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
      default: out.unicodeScalars.append(scalar)
      }
    }
    if out.hasSuffix(" ") { out = out.dropLast() + "\\u{20}" }
    return out
  }
}
