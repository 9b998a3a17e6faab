import Foundation
import SlicerCodec
import SlicerModel

/// What the screen asks of the generation thread.
public enum EngineCommand: Sendable, Equatable {
  case send(String)
  case codec(CodecSpec)
  case split(Int)
  case temperature(Double)
  case maxTokens(Int)
  case server(TailEndpoint)
  case reset
  case save(String)
}

/// The chat's generation thread: owns the `ChatDriver`, runs commands one after another on a
/// serial queue, and posts `EngineEvent`s for the UI thread to collect. While a turn runs, keys
/// reach it through `control` (stop, codec, split), polled by the generator once per step.
public final class ChatEngine: @unchecked Sendable {
  /// Mutable state (`driver`) is touched only on `queue`; `events` has its own lock.
  public let control = GenerationControl()
  private let queue = DispatchQueue(label: "slicer.chat.engine", qos: .userInitiated)
  private let events = EventQueue<EngineEvent>()
  private let configuration: ChatConfiguration
  private let connector: RemoteConnector?
  private let loader: @Sendable (String) throws -> LoadedModel
  private var driver: ChatDriver?

  public init(
    configuration: ChatConfiguration, connector: RemoteConnector?,
    loader: @escaping @Sendable (String) throws -> LoadedModel = ModelLoader.load
  ) {
    self.configuration = configuration
    self.connector = connector
    self.loader = loader
  }

  /// Loads the model in the background; `.loaded` or `.loadFailed` follows.
  public func start() {
    guard let path = configuration.modelPath else {
      events.post(.loadFailed(ModelChoice.missingMessage))
      return
    }
    events.post(.loading(path: path))
    queue.async { [self] in
      do {
        let (driver, notes) = try ChatDriver.start(
          configuration, connector: connector, loader: loader)
        self.driver = driver
        events.post(
          .loaded(
            driver.summary, driver.settings, endpoint: driver.endpoint.description,
            connected: driver.connected))
        for note in notes { events.post(.notice(Notice(.warning, note))) }
      } catch {
        events.post(.loadFailed("\(error)"))
      }
    }
  }

  public func submit(_ command: EngineCommand) {
    queue.async { [self] in run(command) }
  }

  /// The events posted since the last call, oldest first.
  public func drain() -> [EngineEvent] { events.drain() }

  /// A descriptor that turns readable when events wait (for poll()); -1 if there is none.
  public var wakeDescriptor: Int32 { events.wakeDescriptor }

  /// Blocks until every command submitted so far has run (tests; and quitting cleanly).
  public func waitUntilIdle() { queue.sync {} }

  private func run(_ command: EngineCommand) {
    guard var driver else {
      if case .send = command {
        events.post(.turnFailed("\(ChatError.notLoaded)", contextFull: false))
      } else {
        events.post(.notice(Notice(.error, "\(ChatError.notLoaded)")))
      }
      return
    }
    defer { self.driver = driver }
    if case .send = command {} else { applyPendingRequests(&driver) }
    do throws(ChatError) {
      switch command {
      case .send(let text):
        runTurn(text, &driver)
      case .codec(let codec):
        changed(try driver.setCodec(codec), driver)
      case .split(let split):
        changed(try driver.setSplit(split), driver)
      case .temperature(let temperature):
        changed(try driver.setTemperature(temperature), driver)
      case .maxTokens(let count):
        changed(driver.setMaxTokens(count), driver)
      case .server(let endpoint):
        changed(try driver.connect(endpoint), driver)
      case .reset:
        control.clearStop()
        try driver.reset()
        events.post(.conversationReset)
      case .save(let path):
        events.post(.notice(Notice(.info, try driver.save(to: path))))
      }
    } catch {
      events.post(.notice(Notice(.error, "\(error)")))
      events.post(
        .settingsChanged(
          driver.settings, endpoint: driver.endpoint.description, connected: driver.connected,
          note: nil))
    }
  }

  /// Codec or split requests that arrived as a turn ended (the screen still thought it was
  /// running) apply before the next command, in order.
  private func applyPendingRequests(_ driver: inout ChatDriver) {
    do throws(ChatError) {
      if let codec = control.takeCodec() { changed(try driver.setCodec(codec), driver) }
      if let split = control.takeSplit() { changed(try driver.setSplit(split), driver) }
    } catch {
      events.post(.notice(Notice(.error, "\(error)")))
    }
  }

  private func runTurn(_ text: String, _ driver: inout ChatDriver) {
    let splitBefore = driver.settings.split
    events.post(.turnStarted(text, positionsUsed: driver.positionsUsed))
    let outcome = driver.send(text, control: control) { [events] step, piece, elapsed in
      events.post(.step(step, piece: piece, elapsed: elapsed))
      return true
    }
    switch outcome {
    case .finished(let turn):
      events.post(
        .turnEnded(turn.stop, positionsUsed: driver.positionsUsed, settings: driver.settings))
      if driver.settings.split != splitBefore {
        changed(driver.splitNote(duringTurnFrom: splitBefore), driver)
      }
    case .failed(let message, let contextFull):
      events.post(.turnFailed(message, contextFull: contextFull))
      events.post(
        .settingsChanged(
          driver.settings, endpoint: driver.endpoint.description, connected: driver.connected,
          note: nil))
    }
  }

  private func changed(_ note: String, _ driver: ChatDriver) {
    events.post(
      .settingsChanged(
        driver.settings, endpoint: driver.endpoint.description, connected: driver.connected,
        note: note))
  }
}

/// A lock-protected queue from the generation thread to the UI thread, with a self-pipe: the
/// first event into an empty queue writes a byte, so the UI can sleep in poll() on the
/// terminal and `wakeDescriptor` together instead of waking on a timer.
final class EventQueue<Element: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var items: [Element] = []
  /// Read end, write end; -1 when the pipe could not be made (the UI then polls on a timer).
  private let pipeEnds: (read: Int32, write: Int32)

  init() {
    var ends: [Int32] = [-1, -1]
    if pipe(&ends) == 0 {
      for end in ends { _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK) }
      pipeEnds = (ends[0], ends[1])
    } else {
      pipeEnds = (-1, -1)
    }
  }

  deinit {
    if pipeEnds.read >= 0 { close(pipeEnds.read) }
    if pipeEnds.write >= 0 { close(pipeEnds.write) }
  }

  /// Readable when events are waiting.
  var wakeDescriptor: Int32 { pipeEnds.read }

  func post(_ item: Element) {
    lock.lock()
    items.append(item)
    let first = items.count == 1
    lock.unlock()
    if first && pipeEnds.write >= 0 {
      var byte: UInt8 = 1
      _ = write(pipeEnds.write, &byte, 1)
    }
  }

  func drain() -> [Element] {
    lock.lock()
    defer { lock.unlock() }
    if pipeEnds.read >= 0 {
      var bytes = [UInt8](repeating: 0, count: 64)
      while read(pipeEnds.read, &bytes, bytes.count) > 0 {}
    }
    let out = items
    items.removeAll(keepingCapacity: true)
    return out
  }
}
