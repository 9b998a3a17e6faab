import ArgumentParser

@main
struct Slicer: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "slicer",
    abstract: "Split LLM generation with the SLICER codec for intermediate features.",
    discussion: """
      A client runs a model's first layers up to a split layer; the hidden state of each token is \
      compressed and handed to a tail that runs the rest and picks the next token.
      """,
    subcommands: [
      ChatCommand.self, GenerateCommand.self, TokenizeCommand.self, PerplexityCommand.self,
      EvalCommand.self, ReplayCommand.self, ServeCommand.self, FetchCommand.self,
      BenchCommand.self,
    ])
}
