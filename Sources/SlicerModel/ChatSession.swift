import Foundation
import SlicerCodec
import SlicerTokenizer

/// The settings a conversation runs under; every one can change between (and, for the codec and
/// split, during) turns.
public struct ChatSettings: Sendable, Equatable {
  public var split: Int
  public var codec: CodecSpec
  public var sampling: SamplingParameters
  public var maxTokens: Int
  /// System prompt for chat models (nil: the model's default).
  public var system: String?

  public init(
    split: Int, codec: CodecSpec = .none, sampling: SamplingParameters = .greedy,
    maxTokens: Int = 256, system: String? = nil
  ) {
    self.split = split
    self.codec = codec
    self.sampling = sampling
    self.maxTokens = maxTokens
    self.system = system
  }
}

/// Makes the tail for a split: in-process, or a connection to a server.
public typealias TailFactory =
  @Sendable (_ model: any DecoderModel, _ settings: ChatSettings) throws -> any TailTransport

/// A conversation with a split model: turns in, streamed tokens and link statistics out.
/// `chat`, `replay` and the TUI all drive this one type.
public struct ChatSession {
  public let loaded: LoadedModel
  public private(set) var settings: ChatSettings
  public private(set) var messages: [ChatMessage] = []
  public private(set) var generator: Generator
  private let makeTail: TailFactory
  /// How the last turn ended (decides how the next one is laid out).
  private var lastStop: StopReason?

  /// The in-process tail.
  public static let localTail: TailFactory = { model, settings in
    try LocalTail(
      model: model, split: settings.split, codec: settings.codec, sampling: settings.sampling)
  }

  public init(loaded: LoadedModel, settings: ChatSettings, tail: @escaping TailFactory = localTail)
    throws
  {
    self.loaded = loaded
    self.settings = settings
    makeTail = tail
    generator = try Self.makeGenerator(loaded, settings, tail)
  }

  private static func makeGenerator(
    _ loaded: LoadedModel, _ settings: ChatSettings, _ tail: TailFactory
  ) throws -> Generator {
    Generator(
      head: try SplitHead(model: loaded.model, split: settings.split), codec: settings.codec,
      transport: try tail(loaded.model, settings))
  }

  /// Positions used so far, and the most the model holds.
  public var positionsUsed: Int { generator.head.position }
  public var contextLength: Int { loaded.info.contextLength }
  public var endpoint: String { generator.transport.endpoint }

  /// The result of one turn.
  public struct Turn: Sendable {
    public var reply: String
    public var tokens: [Int]
    public var stop: StopReason
    public var steps: [StepRecord]
  }

  /// Sends one user turn and streams the answer: `onText` gets each new piece of text and the
  /// step it came from, and returns false to stop.
  public mutating func send(
    _ text: String, control: GenerationControl? = nil,
    onStep: (StepRecord, String) throws -> Bool = { _, _ in true }
  ) throws -> Turn {
    let prompt = promptTokens(for: text)
    let stopTokens = loaded.stopTokens
    var detokenizer = StreamingDetokenizer(tokenizer: loaded.tokenizer, skippingSpecial: true)
    var reply = ""
    var tokens: [Int] = []
    var steps: [StepRecord] = []
    var remaining = settings.maxTokens
    var input = prompt
    control?.clearStop()
    while true {
      let stop = try generator.generate(
        prompt: input, maxTokens: remaining, stopTokens: stopTokens, control: control
      ) { step in
        tokens.append(step.token)
        steps.append(step)
        let piece = stopTokens.contains(step.token) ? "" : detokenizer.append(step.token)
        reply += piece
        return try onStep(step, piece)
      }
      remaining = settings.maxTokens - tokens.count
      settings.codec = generator.encoder.spec  // a codec request may have changed it
      if stop == .splitChange, let split = control?.takeSplit() {
        try changeSplit(to: split)
        if remaining > 0 {
          input = []
          continue
        }
      }
      reply += detokenizer.flush()
      lastStop = stop
      messages.append(ChatMessage(.user, text))
      messages.append(ChatMessage(.assistant, reply))
      return Turn(reply: reply, tokens: tokens, stop: stop == .splitChange ? .maxTokens : stop, steps: steps)
    }
  }

  /// The tokens that put `text` into the conversation as the next user turn.
  func promptTokens(for text: String) -> [Int] {
    guard case .chatML = loaded.chatTemplate else {
      // A plain language model continues the text; later turns start on a new line.
      return messages.isEmpty ? loaded.encode(text) : loaded.tokenizer.encode("\n" + text)
    }
    if messages.isEmpty {
      return loaded.promptIDs(text, system: settings.system)
    }
    // The previous answer's `<|im_end|>` is still pending (fed by the generator) when the
    // model ended its turn itself; otherwise close the turn here.
    let close = lastStop == .endOfSequence ? "" : "<|im_end|>"
    return loaded.tokenizer.encode(
      close + "\n<|im_start|>user\n\(text)<|im_end|>\n<|im_start|>assistant\n", allowSpecial: true)
  }

  /// Changes the codec from the next step on (both ends).
  public mutating func setCodec(_ spec: CodecSpec) throws {
    try generator.setCodec(spec)
    settings.codec = spec
  }

  public mutating func setSampling(_ parameters: SamplingParameters) throws {
    try generator.transport.setSampling(parameters)
    settings.sampling = parameters
  }

  public mutating func setMaxTokens(_ count: Int) { settings.maxTokens = max(1, count) }

  /// Moves the split: a new head and tail, and the conversation so far replayed through both.
  public mutating func changeSplit(to split: Int) throws {
    try SplitError.check(split: split, layerCount: loaded.info.layerCount)
    var next = settings
    next.split = split
    var rebuilt = try Self.makeGenerator(loaded, next, makeTail)
    try rebuilt.replay(generator.context)
    rebuilt.setPending(generator.pendingToken)
    generator = rebuilt
    settings = next
  }

  /// Replaces the tail (e.g. a new server) and replays the conversation into it.
  public mutating func changeTail(_ tail: @escaping TailFactory) throws {
    var rebuilt = try Self.makeGenerator(loaded, settings, tail)
    try rebuilt.replay(generator.context)
    rebuilt.setPending(generator.pendingToken)
    self = try ChatSession(rebuilding: self, generator: rebuilt, tail: tail)
  }

  private init(rebuilding old: ChatSession, generator: Generator, tail: @escaping TailFactory) throws {
    loaded = old.loaded
    settings = old.settings
    messages = old.messages
    lastStop = old.lastStop
    makeTail = tail
    self.generator = generator
  }

  /// Forgets the conversation; settings stay.
  public mutating func reset() throws {
    try generator.reset()
    messages = []
    lastStop = nil
  }
}
