import ArgumentParser

@main
struct Slicer: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "slicer",
    abstract: "Split LLM generation with the SLICER codec for intermediate features.",
    subcommands: [])
}
