import ArgumentParser
import SlicerModel

struct TokenizeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tokenize", abstract: "Print the token ids of a text (with the model's BOS).")

  @OptionGroup var options: ModelOptions

  @Flag(help: "Print a JSON array.")
  var json = false

  @Argument(help: "The text to tokenize.")
  var text: String

  func run() throws {
    let loaded = try options.load()
    let ids = loaded.encode(text)
    let list = ids.map(String.init)
    print(json ? "[" + list.joined(separator: ", ") + "]" : list.joined(separator: " "))
  }
}
