import CNcurses
import CReadline
import Foundation
import SlicerModel

/// `slicer chat --plain`, and `slicer chat` whenever stdin or stdout is not a terminal: the
/// same conversation as a line-mode REPL. Answers stream to stdout, each followed by one stats
/// line; notes and errors go to stderr, so a pipe gets just the conversation.
///
/// On a terminal the line is read with GNU readline (history file, Ctrl-R); from a pipe, line
/// by line. Ctrl-C stops an answer; at an empty prompt, a second Ctrl-C quits.
public struct PlainChat {
  let configuration: ChatConfiguration
  let connector: RemoteConnector?

  public init(configuration: ChatConfiguration, connector: RemoteConnector?) {
    self.configuration = configuration
    self.connector = connector
  }

  /// Runs until end of input or `/quit`; the exit status (1: the model could not be loaded).
  public func run() -> Int32 {
    SignalGuard.countInterrupts()
    defer { SignalGuard.defaultInterrupts() }
    var driver: ChatDriver
    do {
      let (started, notes) = try ChatDriver.start(configuration, connector: connector)
      driver = started
      if let notice = configuration.modelNotice { Self.note(notice) }
      for note in notes { Self.note(note) }
    } catch {
      Self.note("Error: \(error)")
      return 1
    }
    var input: LineSource =
      isatty(STDIN_FILENO) != 0
      ? ReadlineSource(historyPath: configuration.historyPath, output: isatty(STDOUT_FILENO) != 0)
      : PipeSource()
    defer { input.close() }
    while true {
      switch input.next() {
      case .end:
        return 0
      case .interrupt:
        continue
      case .line(let line):
        let parsed: ChatInput
        do {
          parsed = try ChatInput(parsing: line)
        } catch {
          Self.note("\(error)")
          continue
        }
        switch parsed {
        case .empty:
          continue
        case .prompt(let text):
          if turn(text, &driver) == .cancelled { input.armQuit() }
        case .command(.quit):
          return 0
        case .command(let command):
          run(command, &driver)
        }
      }
    }
  }

  /// One answer, streamed, then its stats line; how it ended. A full context is a note; the
  /// next prompt tries again (and fails the same way until /reset).
  @discardableResult
  private func turn(_ text: String, _ driver: inout ChatDriver) -> StopReason? {
    var stats = LinkStatistics()
    _ = SignalGuard.takeInterrupts()
    let outcome = driver.send(text) { step, piece, elapsed in
      stats.add(step, elapsed: elapsed)
      if !piece.isEmpty { Self.write(piece) }
      return SignalGuard.takeInterrupts() == 0
    }
    switch outcome {
    case .finished(let turn):
      let line = StatsLine.format(
        turn: stats.turn, stop: turn.stop, settings: driver.settings, model: driver.summary,
        positionsUsed: driver.positionsUsed, endpoint: driver.endpoint)
      Self.write("\n" + line + "\n")
      return turn.stop
    case .failed(let message, let contextFull):
      Self.note(
        contextFull ? "The context is full: \(message). /reset starts a new conversation." : message
      )
      return nil
    }
  }

  private func run(_ command: SlashCommand, _ driver: inout ChatDriver) {
    do throws(ChatError) {
      switch command {
      case .budget(let budget):
        Self.note(try driver.setCodec(driver.settings.codec.withSlicerBudget(budget)))
      case .split(let split): Self.note(try driver.setSplit(split))
      case .codec(let codec): Self.note(try driver.setCodec(codec))
      case .server(let endpoint): Self.note(try driver.connect(endpoint))
      case .temperature(let temperature): Self.note(try driver.setTemperature(temperature))
      case .maxTokens(let count): Self.note(driver.setMaxTokens(count))
      case .reset:
        try driver.reset()
        Self.note("New conversation.")
      case .save(let path): Self.note(try driver.save(to: path))
      case .help:
        Self.note(
          SlashCommand.usage.map { Format.padded($0.command, to: 20) + $0.summary }.joined(
            separator: "\n"))
      case .quit: break
      }
    } catch {
      Self.note("\(error)")
    }
  }

  static func write(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  static func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
  }
}

/// Where the REPL's lines come from.
enum LineEvent: Equatable {
  case line(String)
  /// Ctrl-C at the prompt (the line was dropped).
  case interrupt
  case end
}

protocol LineSource {
  mutating func next() -> LineEvent
  /// A stopped answer arms Ctrl-C: the next one at an empty prompt quits.
  mutating func armQuit()
  mutating func close()
}

/// Lines from a pipe or file.
struct PipeSource: LineSource {
  mutating func next() -> LineEvent {
    guard let line = readLine(strippingNewline: true) else { return .end }
    return .line(line)
  }
  mutating func armQuit() {}
  mutating func close() {}
}

/// Lines from readline on a terminal, through its callback interface so that Ctrl-C (a
/// signal here) can interrupt waiting: poll() on stdin returns, and the line starts over.
struct ReadlineSource: LineSource {
  private nonisolated(unsafe) static var finished: [String?] = []
  private let historyPath: String?
  private let toStdout: Bool
  private var quitArmed = false

  init(historyPath: String?, output toStdout: Bool) {
    self.historyPath = historyPath
    self.toStdout = toStdout
    slicer_rl_standalone(toStdout ? nil : slicer_stderr())
    using_history()
    stifle_history(LineEditor.historyLimit)
    if let historyPath {
      if !FileManager.default.fileExists(atPath: historyPath) {
        _ = FileManager.default.createFile(atPath: historyPath, contents: nil)
      }
      read_history(historyPath)
    }
  }

  private static func install() {
    rl_callback_handler_install("» ") { line in
      ReadlineSource.finished.append(line.map { String(cString: $0) })
      free(line)
    }
  }

  mutating func next() -> LineEvent {
    Self.install()
    defer { rl_callback_handler_remove() }
    while true {
      // A timeout, because SIGINT lands on whichever thread does not block it (Dispatch's
      // main thread), not necessarily this one: poll() would not return for it.
      var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
      let ready = poll(&descriptor, 1, 100)
      if SignalGuard.takeInterrupts() > 0 {
        let empty = slicer_rl_end() == 0
        echo("^C")
        rl_callback_handler_remove()
        echo("\n")
        if empty && quitArmed { return .end }
        quitArmed = empty
        if empty { PlainChat.note("(Ctrl-C again, or Ctrl-D, quits)") }
        Self.install()
        continue
      }
      if ready > 0 { rl_callback_read_char() }
      if !Self.finished.isEmpty {
        let line = Self.finished.removeFirst()
        quitArmed = false
        guard let line else {
          echo("\n")
          return .end
        }
        if !line.trimmingCharacters(in: .whitespaces).isEmpty {
          add_history(line)
          if let historyPath { append_history(1, historyPath) }
        }
        return .line(line)
      }
      if ready < 0 && errno != EINTR { return .end }
    }
  }

  /// Writes where readline draws the prompt.
  private func echo(_ text: String) {
    (toStdout ? FileHandle.standardOutput : FileHandle.standardError).write(Data(text.utf8))
  }

  mutating func armQuit() { quitArmed = true }

  mutating func close() {
    if let historyPath { history_truncate_file(historyPath, LineEditor.historyLimit) }
  }
}
