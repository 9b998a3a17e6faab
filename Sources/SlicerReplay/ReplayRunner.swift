import Foundation
import SlicerCodec
import SlicerModel

/// What a running replay reports as it goes (for progress bars and streaming output).
public enum ReplayProgress {
  case turnStarted(number: Int, line: Int)
  /// A token of the current turn: its step and the text it added.
  case step(turn: Int, StepRecord, piece: String)
  case turnFinished(ReplayTurn)
}

/// Runs prompt files through `ChatSession` — the engine `chat` and the TUI use — and records
/// every turn and step.
///
/// Deterministic: each conversation (the file's start, and each `/reset`) builds a fresh
/// session from the settings in force, so its sampler starts from the seed; nothing else in
/// the engine is random. Where the tail runs is a parameter: `tail` makes the tail for each
/// conversation (in-process by default, a server connection with `--server`), a
/// `/server HOST:PORT` directive asks `remoteTail` for one, and `/server local` goes back to
/// the in-process tail.
public struct ReplayRunner {
  /// Makes the tail factory for `slicer serve` at `host:port`.
  public typealias RemoteTail = @Sendable (_ host: String, _ port: Int) throws -> TailFactory

  public let loaded: LoadedModel
  /// Settings before a file's first directive.
  public var start: ChatSettings
  public var tail: TailFactory
  public var remoteTail: RemoteTail?

  public init(
    loaded: LoadedModel, start: ChatSettings, tail: @escaping TailFactory = ChatSession.localTail,
    remoteTail: RemoteTail? = nil
  ) {
    self.loaded = loaded
    self.start = start
    self.tail = tail
    self.remoteTail = remoteTail
  }

  /// Replays `file`; `progress` hears of each turn and token as they happen.
  public func run(_ file: PromptFile, progress: (ReplayProgress) -> Void = { _ in })
    throws(ReplayError) -> ReplayResult
  {
    var state = RunState(runner: self, file: file.path)
    let began = ContinuousClock.now
    for entry in file.entries {
      do {
        switch entry.kind {
        case .directive(let directive):
          try state.apply(directive, line: entry.line)
        case .turn(let text):
          try state.send(text, line: entry.line, progress: progress)
        }
      } catch let error as ReplayError {
        throw error
      } catch let error as GenerationError {
        if case .promptTooLong(let tokens, let limit) = error {
          throw ReplayError(
            file: file.path, line: entry.line, reason: .promptTooLong(tokens: tokens, limit: limit))
        }
        throw ReplayError(file: file.path, line: entry.line, reason: .engine("\(error)"))
      } catch {
        throw ReplayError(file: file.path, line: entry.line, reason: .engine("\(error)"))
      }
    }
    return ReplayResult(
      file: file.path, model: loaded.info, start: start, events: state.events,
      seconds: (ContinuousClock.now - began).seconds)
  }
}

/// One file's replay in progress.
private struct RunState {
  let runner: ReplayRunner
  let file: String
  var settings: ChatSettings
  var tail: TailFactory
  /// The conversation's session; nil until its first turn (so `/system` and the other
  /// directives before it shape how it starts).
  var session: ChatSession?
  var conversation = 1
  var turnsInConversation = 0
  var turnNumber = 0
  var events: [ReplayEvent] = []

  init(runner: ReplayRunner, file: String) {
    self.runner = runner
    self.file = file
    settings = runner.start
    tail = runner.tail
  }

  mutating func apply(_ directive: PromptDirective, line: Int) throws {
    switch directive {
    case .budget(let budget):
      try setCodec(settings.codec.withSlicerBudget(budget))
    case .codec(let spec):
      try setCodec(spec)
    case .split(let split):
      let layers = runner.loaded.info.layerCount
      guard (0...layers).contains(split) else {
        throw ReplayError(
          file: file, line: line, reason: .splitOutOfRange(split: split, layerCount: layers))
      }
      settings.split = split
      try session?.changeSplit(to: split)
    case .seed(let seed):
      settings.sampling.seed = seed
      try session?.setSampling(settings.sampling)
    case .temperature(let temperature):
      settings.sampling.temperature = temperature > 0 ? temperature : nil
      try session?.setSampling(settings.sampling)
    case .maxTokens(let count):
      settings.maxTokens = count
      session?.setMaxTokens(count)
    case .system(let text):
      // The parser allows /system only before a conversation's first turn: no session yet.
      settings.system = text
    case .reset:
      session = nil
      if turnsInConversation > 0 {
        conversation += 1
        turnsInConversation = 0
      }
    case .server(let target):
      switch target {
      case .local:
        tail = ChatSession.localTail
      case .remote(let host, let port):
        guard let remoteTail = runner.remoteTail else {
          throw ReplayError(
            file: file, line: line, reason: .noServerSupport(target: target.description))
        }
        tail = try remoteTail(host, port)
      }
      try session?.changeTail(tail)
    }
    events.append(.directive(line: line, directive, settings: settings))
  }

  private mutating func setCodec(_ spec: CodecSpec) throws {
    settings.codec = spec
    try session?.setCodec(spec)
  }

  mutating func send(_ text: String, line: Int, progress: (ReplayProgress) -> Void) throws {
    var chat = try session ?? ChatSession(loaded: runner.loaded, settings: settings, tail: tail)
    turnNumber += 1
    turnsInConversation += 1
    let number = turnNumber
    progress(.turnStarted(number: number, line: line))
    let began = ContinuousClock.now
    var pieces: [String] = []
    let answer = try chat.send(text) { step, piece in
      pieces.append(piece)
      progress(.step(turn: number, step, piece: piece))
      return true
    }
    let turn = ReplayTurn(
      line: line, number: number, conversation: conversation, user: text, reply: answer.reply,
      tokens: answer.tokens, pieces: pieces, stop: answer.stop, settings: settings,
      steps: answer.steps, dimension: runner.loaded.info.hiddenSize, endpoint: chat.endpoint,
      seconds: (ContinuousClock.now - began).seconds)
    session = chat
    events.append(.turn(turn))
    progress(.turnFinished(turn))
  }
}
