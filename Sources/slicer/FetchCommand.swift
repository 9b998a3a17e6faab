import ArgumentParser

struct FetchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fetch", abstract: "Download a model into Weights/.")
  func run() throws { throw CLIError("fetch is not built yet") }
}
