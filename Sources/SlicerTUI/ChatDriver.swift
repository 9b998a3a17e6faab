import Foundation
import SlicerCodec
import SlicerModel

/// A `ChatSession` with what the chat front ends need around it: start-up with fallbacks
/// (split, tail), turns that report instead of throw, setting changes that say what they did,
/// and the transcript for `/save`. Not thread-safe: the TUI runs it on its generation thread,
/// the line-mode REPL on the main thread.
public struct ChatDriver {
  public private(set) var session: ChatSession
  public private(set) var endpoint: TailEndpoint
  public private(set) var connected = true
  public private(set) var transcript: Transcript
  private let connector: RemoteConnector?
  /// Test aid: a pause after each step.
  private let stepDelay: Double

  /// How a turn ended.
  public enum Outcome: Sendable {
    case finished(ChatSession.Turn)
    /// The turn did not run or broke off: what happened, and whether the context is full.
    case failed(String, contextFull: Bool)
  }

  /// Loads the model and builds the session. A split out of range falls back to half the
  /// depth, an unreachable server to the in-process tail; `notes` say so.
  public static func start(
    _ configuration: ChatConfiguration, connector: RemoteConnector?,
    loader: (String) throws -> LoadedModel = ModelLoader.load
  ) throws(ChatError) -> (driver: ChatDriver, notes: [String]) {
    guard let path = configuration.modelPath else { throw .noModel(ModelChoice.missingMessage) }
    let loaded: LoadedModel
    do {
      loaded = try loader(path)
    } catch {
      throw .loadFailed(path: path, reason: "\(error)")
    }
    var notes: [String] = []
    let layers = loaded.info.layerCount
    var split = configuration.split ?? layers / 2
    if !(0...layers).contains(split) {
      notes.append("Split \(split) is outside 0…\(layers); using \(layers / 2).")
      split = layers / 2
    }
    let settings = ChatSettings(
      split: split, codec: configuration.codec, sampling: configuration.sampling,
      maxTokens: max(configuration.maxTokens, 1), system: configuration.system)
    var endpoint = configuration.endpoint
    var tail = ChatSession.localTail
    if endpoint != .inProcess {
      do {
        tail = try Self.factory(for: endpoint, connector)
      } catch {
        notes.append("\(error)")
        endpoint = .inProcess
      }
    }
    var session: ChatSession
    do {
      session = try ChatSession(loaded: loaded, settings: settings, tail: tail)
    } catch  where endpoint != .inProcess {
      notes.append(
        "\(ChatError.unreachable(endpoint: endpoint.description, reason: "\(error)")) The tail runs in-process."
      )
      endpoint = .inProcess
      do {
        session = try ChatSession(loaded: loaded, settings: settings)
      } catch {
        throw .loadFailed(path: path, reason: "\(error)")
      }
    } catch {
      throw .loadFailed(path: path, reason: "\(error)")
    }
    let driver = ChatDriver(
      session: session, endpoint: endpoint, connector: connector, stepDelay: configuration.stepDelay
    )
    return (driver, notes)
  }

  init(session: ChatSession, endpoint: TailEndpoint, connector: RemoteConnector?, stepDelay: Double)
  {
    self.session = session
    self.endpoint = endpoint
    self.connector = connector
    self.stepDelay = stepDelay
    let info = session.loaded.info
    transcript = Transcript(model: info.name, layers: info.layerCount, hiddenSize: info.hiddenSize)
  }

  public var settings: ChatSettings { session.settings }
  public var summary: ModelSummary { ModelSummary(session.loaded.info) }
  public var positionsUsed: Int { session.positionsUsed }

  /// One turn. `onStep` gets each step, the text it added and the seconds since the turn was
  /// sent; it returns false to stop. Never throws: a full context or a broken tail is an outcome.
  public mutating func send(
    _ text: String, control: GenerationControl? = nil,
    onStep: (StepRecord, String, Double) -> Bool = { _, _, _ in true }
  ) -> Outcome {
    let start = ContinuousClock.now
    var steps: [Transcript.Step] = []
    let delay = stepDelay
    do {
      let turn = try session.send(text, control: control) { step, piece in
        let elapsed = (ContinuousClock.now - start).seconds
        steps.append(Transcript.Step(step, text: piece, elapsed: elapsed))
        let goOn = onStep(step, piece, elapsed)
        if delay > 0 { Thread.sleep(forTimeInterval: delay) }
        return goOn
      }
      transcript.turns.append(
        Transcript.Turn(
          user: text, reply: turn.reply, stop: turn.stop.rawValue, split: settings.split,
          codec: settings.codec.description, endpoint: endpoint.description, steps: steps))
      return .finished(turn)
    } catch let error as GenerationError {
      if case .promptTooLong = error { return .failed("\(error)", contextFull: true) }
      return .failed("\(error)", contextFull: false)
    } catch let error as SplitError {
      if case .contextFull = error { return .failed("\(error)", contextFull: true) }
      return .failed("\(error)", contextFull: false)
    } catch {
      if endpoint != .inProcess { connected = false }
      return .failed("The turn failed: \(error)", contextFull: false)
    }
  }

  /// Switches the codec (both ends, from the next position on).
  public mutating func setCodec(_ codec: CodecSpec) throws(ChatError) -> String {
    let old = settings.codec
    do {
      try session.setCodec(codec)
    } catch {
      throw .settingRejected("Cannot switch the codec to \(codec): \(error)")
    }
    return "Codec \(old) → \(codec)."
  }

  /// Moves the split and replays the conversation through it.
  public mutating func setSplit(_ split: Int) throws(ChatError) -> String {
    let old = settings.split
    let layers = session.loaded.info.layerCount
    guard (0...layers).contains(split) else {
      throw .settingRejected(
        "Split \(split) is outside 0…\(layers) (\(summary.name) has \(layers) layers).")
    }
    guard split != old else { return "The split is already \(split)." }
    do {
      try session.changeSplit(to: split)
    } catch {
      throw .settingRejected("Cannot move the split to \(split): \(error)")
    }
    let replayed = session.positionsUsed
    let what = replayed > 0 ? ": \(replayed) positions replayed" : ""
    return "Split \(old) → \(split)/\(layers)\(what)."
  }

  /// The note for a split moved by a request during a turn.
  public func splitNote(duringTurnFrom old: Int) -> String {
    "Split \(old) → \(settings.split)/\(session.loaded.info.layerCount) during the answer (the conversation was replayed)."
  }

  public mutating func setTemperature(_ temperature: Double) throws(ChatError) -> String {
    var sampling = settings.sampling
    sampling.temperature = temperature > 0 ? temperature : nil
    do {
      try session.setSampling(sampling)
    } catch {
      throw .settingRejected("Cannot change the sampling: \(error)")
    }
    return temperature > 0 ? "Temperature \(temperature)." : "Greedy decoding (temperature 0)."
  }

  public mutating func setMaxTokens(_ count: Int) -> String {
    session.setMaxTokens(count)
    return "Answers stop after \(settings.maxTokens) tokens."
  }

  /// Moves the tail (to a server, or back in-process) and replays the conversation into it.
  public mutating func connect(_ target: TailEndpoint) throws(ChatError) -> String {
    do {
      try session.changeTail(try Self.factory(for: target, connector))
    } catch let error as ChatError {
      throw error
    } catch {
      if target != .inProcess {
        throw .unreachable(endpoint: target.description, reason: "\(error)")
      }
      throw .settingRejected("Cannot start the in-process tail: \(error)")
    }
    endpoint = target
    connected = true
    return target == .inProcess
      ? "The tail runs in-process." : "Connected to the tail at \(target)."
  }

  public mutating func reset() throws(ChatError) {
    do {
      try session.reset()
    } catch {
      throw .settingRejected("Cannot start a new conversation: \(error)")
    }
    transcript.turns = []
  }

  /// Writes the transcript as JSON.
  public func save(to path: String) throws(ChatError) -> String {
    let url = URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
    do {
      try transcript.json().write(to: url, options: .atomic)
    } catch {
      throw .saveFailed(path: path, reason: error.localizedDescription)
    }
    let steps = transcript.turns.reduce(0) { $0 + $1.steps.count }
    return "Saved \(transcript.turns.count) turns, \(steps) steps to \(url.path)."
  }

  private static func factory(for endpoint: TailEndpoint, _ connector: RemoteConnector?) throws
    -> TailFactory
  {
    switch endpoint {
    case .inProcess:
      return ChatSession.localTail
    case .remote(let host, let port):
      guard let connector else { throw ChatError.remoteUnavailable(endpoint: endpoint.description) }
      do {
        return try connector(host, port)
      } catch {
        throw ChatError.unreachable(endpoint: endpoint.description, reason: "\(error)")
      }
    }
  }
}
