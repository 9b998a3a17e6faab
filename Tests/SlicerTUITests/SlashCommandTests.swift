import SlicerCodec
import SlicerTUI
import Testing

struct SlashCommandTests {
  func parse(_ line: String) throws -> ChatInput { try ChatInput(parsing: line) }

  @Test func linesAreCommandsPromptsOrNothing() throws {
    #expect(try parse("hello /there") == .prompt("hello /there"))
    #expect(try parse("  ") == .empty)
    #expect(try parse("//etc/passwd is a path") == .prompt("/etc/passwd is a path"))
    #expect(try parse("/reset") == .command(.reset))
  }

  @Test func everyCommandParses() throws {
    #expect(try parse("/budget 1e-3") == .command(.budget(0.001)))
    #expect(try parse("/split 6") == .command(.split(6)))
    #expect(try parse("/codec int8") == .command(.codec(.int8)))
    #expect(
      try parse("/codec slicer:0.01:g=4") == .command(.codec(.slicer(budget: 0.01, maxGroups: 4))))
    #expect(
      try parse("/server localhost:7070")
        == .command(.server(.remote(host: "localhost", port: 7070))))
    #expect(try parse("/server [::1]:9000") == .command(.server(.remote(host: "::1", port: 9000))))
    #expect(try parse("/server local") == .command(.server(.inProcess)))
    #expect(try parse("/temp 0.7") == .command(.temperature(0.7)))
    #expect(try parse("/temperature 0") == .command(.temperature(0)))
    #expect(try parse("/max 64") == .command(.maxTokens(64)))
    #expect(try parse("/save my transcript.json") == .command(.save("my transcript.json")))
    #expect(try parse("/help") == .command(.help))
    #expect(try parse("/quit") == .command(.quit))
    #expect(try parse("/exit") == .command(.quit))
  }

  @Test func uniquePrefixesAbbreviate() throws {
    #expect(try parse("/b 0.01") == .command(.budget(0.01)))
    #expect(try parse("/sp 3") == .command(.split(3)))
    #expect(try parse("/BUDGET 1") == .command(.budget(1)))
  }

  @Test func mistakesSayWhatToType() {
    #expect(throws: SlashCommandError.unknownCommand("s", candidates: ["split", "server", "save"]))
    {
      try parse("/s 3")
    }
    #expect(throws: SlashCommandError.missingArgument(command: "budget", usage: "/budget 1e-3")) {
      try parse("/budget")
    }
    #expect(
      throws: SlashCommandError.invalidArgument(
        command: "split", value: "-1", reason: "expected a whole number ≥ 0")
    ) {
      try parse("/split -1")
    }
    #expect(
      throws: SlashCommandError.invalidArgument(
        command: "budget", value: "lots", reason: "expected a number ≥ 0")
    ) {
      try parse("/budget lots")
    }
    #expect(throws: SlashCommandError.unexpectedArgument(command: "reset", value: "now")) {
      try parse("/reset now")
    }
    #expect(
      throws: SlashCommandError.invalidArgument(
        command: "server", value: "host:99999",
        reason: "the port '99999' must be a number in 1…65535")
    ) {
      try parse("/server host:99999")
    }
  }

  @Test func errorDescriptionsAreSentences() {
    #expect(
      "\(SlashCommandError.unknownCommand("bogus", candidates: ["reset"]))"
        == "unknown command '/bogus'; try /reset")
    #expect(
      "\(SlashCommandError.missingArgument(command: "split", usage: "/split 6"))"
        == "/split needs a value, as in /split 6")
    do {
      _ = try parse("/codec int9")
      Issue.record("int9 parsed")
    } catch {
      #expect("\(error)".hasPrefix("/codec int9: "))
      #expect("\(error)".contains("did you mean 'int8'?"))
    }
  }

  @Test func endpointsPrintAsTyped() throws {
    #expect(try TailEndpoint(parsing: "gpu-box:7070").description == "gpu-box:7070")
    #expect(try TailEndpoint(parsing: "[::1]:7070").description == "[::1]:7070")
    #expect(TailEndpoint.inProcess.description == "in-process")
    #expect(throws: SlashCommandError.self) { try TailEndpoint(parsing: "nohost") }
    #expect(throws: SlashCommandError.self) { try TailEndpoint(parsing: ":80") }
  }
}
