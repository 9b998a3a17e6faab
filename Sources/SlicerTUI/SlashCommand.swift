import Foundation
import SlicerCodec

/// A line typed at the prompt: text for the model, or a command.
public enum ChatInput: Equatable, Sendable {
  case prompt(String)
  case command(SlashCommand)
  case empty

  /// Lines starting with `/` are commands; `//` starts a prompt that begins with `/`.
  public init(parsing line: String) throws(SlashCommandError) {
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    if trimmed.isEmpty {
      self = .empty
    } else if trimmed.hasPrefix("//") {
      self = .prompt(String(trimmed.dropFirst()))
    } else if trimmed.hasPrefix("/") {
      self = .command(try SlashCommand(parsing: trimmed))
    } else {
      self = .prompt(line)
    }
  }
}

/// The slash commands: the function keys' actions and more, typed at the prompt.
public enum SlashCommand: Equatable, Sendable {
  /// `/budget 1e-3`: SLICER with this distortion budget.
  case budget(Double)
  /// `/split 6`: move the split (the conversation is replayed).
  case split(Int)
  /// `/codec int8`: any codec spec.
  case codec(CodecSpec)
  /// `/server host:port` (or `/server local`): where the tail runs.
  case server(TailEndpoint)
  /// `/temp 0.7` (0: greedy).
  case temperature(Double)
  /// `/max 128`: most tokens per answer.
  case maxTokens(Int)
  case reset
  /// `/save FILE`: the transcript with per-step statistics, as JSON.
  case save(String)
  case help
  case quit

  /// Name, arguments, what it does: for `/help` and the help overlay.
  public static let usage: [(command: String, summary: String)] = [
    ("/budget 1e-3", "SLICER codec with this distortion budget"),
    ("/split 6", "move the split (replays the conversation)"),
    ("/codec int8", "codec: none fp16 bf16 fp32 int8 topk:F:B slicer:B"),
    ("/server host:port", "tail on a `slicer serve` (local: in-process)"),
    ("/temp 0.7", "sampling temperature (0: greedy)"),
    ("/max 256", "most tokens per answer"),
    ("/reset", "new conversation"),
    ("/save FILE", "transcript with per-step stats (JSON)"),
    ("/help", "this help"),
    ("/quit", "leave"),
  ]

  static let names = [
    "budget", "split", "codec", "server", "temp", "max", "reset", "save", "help", "quit",
  ]

  /// Parses `/name argument`. Names may be abbreviated to any unique prefix (`/b 1e-2`).
  public init(parsing line: String) throws(SlashCommandError) {
    var body = Substring(line.trimmingCharacters(in: .whitespaces))
    if body.hasPrefix("/") { body = body.dropFirst() }
    let typed = String(body.prefix { !$0.isWhitespace }).lowercased()
    let argument = body.dropFirst(typed.count).trimmingCharacters(in: .whitespaces)
    let name = try Self.resolve(typed)

    func number() throws(SlashCommandError) -> Double {
      guard !argument.isEmpty else {
        throw .missingArgument(command: name, usage: Self.example(name))
      }
      guard let value = Double(argument), value.isFinite, value >= 0 else {
        throw .invalidArgument(command: name, value: argument, reason: "expected a number ≥ 0")
      }
      return value
    }
    func integer(minimum: Int) throws(SlashCommandError) -> Int {
      guard !argument.isEmpty else {
        throw .missingArgument(command: name, usage: Self.example(name))
      }
      guard let value = Int(argument), value >= minimum else {
        throw .invalidArgument(
          command: name, value: argument, reason: "expected a whole number ≥ \(minimum)")
      }
      return value
    }
    func noArgument() throws(SlashCommandError) {
      if !argument.isEmpty { throw .unexpectedArgument(command: name, value: argument) }
    }

    switch name {
    case "budget": self = .budget(try number())
    case "split": self = .split(try integer(minimum: 0))
    case "codec":
      guard !argument.isEmpty else {
        throw .missingArgument(command: name, usage: Self.example(name))
      }
      do {
        self = .codec(try CodecSpec(parsing: argument))
      } catch {
        throw .invalidArgument(command: name, value: argument, reason: "\(error)")
      }
    case "server":
      guard !argument.isEmpty else {
        throw .missingArgument(command: name, usage: Self.example(name))
      }
      self = .server(try TailEndpoint(parsing: argument))
    case "temp": self = .temperature(try number())
    case "max": self = .maxTokens(try integer(minimum: 1))
    case "reset":
      try noArgument()
      self = .reset
    case "save":
      guard !argument.isEmpty else {
        throw .missingArgument(command: name, usage: Self.example(name))
      }
      self = .save(argument)
    case "help": self = .help
    default:
      try noArgument()
      self = .quit
    }
  }

  private static func resolve(_ typed: String) throws(SlashCommandError) -> String {
    let aliases = [
      "temperature": "temp", "exit": "quit", "q": "quit", "?": "help", "clear": "reset",
    ]
    if let alias = aliases[typed] { return alias }
    if names.contains(typed) { return typed }
    let matches = typed.isEmpty ? [] : names.filter { $0.hasPrefix(typed) }
    if matches.count == 1, let only = matches.first { return only }
    throw .unknownCommand(typed, candidates: matches.isEmpty ? names : matches)
  }

  private static func example(_ name: String) -> String {
    usage.first { $0.command.hasPrefix("/\(name)") }?.command ?? "/\(name)"
  }
}

/// A slash command that cannot run as typed.
public enum SlashCommandError: Error, Equatable, CustomStringConvertible {
  case unknownCommand(String, candidates: [String])
  case missingArgument(command: String, usage: String)
  case invalidArgument(command: String, value: String, reason: String)
  case unexpectedArgument(command: String, value: String)

  public var description: String {
    switch self {
    case .unknownCommand(let name, let candidates):
      let list = candidates.map { "/\($0)" }.joined(separator: " ")
      return name.isEmpty
        ? "type a command after '/': \(list)"
        : "unknown command '/\(name)'; try \(list)"
    case .missingArgument(let command, let usage):
      return "/\(command) needs a value, as in \(usage)"
    case .invalidArgument(let command, let value, let reason):
      return "/\(command) \(value): \(reason)"
    case .unexpectedArgument(let command, let value):
      return "/\(command) takes no value (got '\(value)')"
    }
  }
}
