import Foundation
import SlicerCodec
import SlicerModel
import SlicerTUI
import Testing

/// The conversation engine behind both front ends, on the tiny OPT fixture.
@Suite(.serialized) struct ChatDriverTests {
  @Test func startsAtHalfDepthWithTheDefaultCodec() throws {
    let (driver, notes) = try TinyModel.driver()
    #expect(notes.isEmpty)
    #expect(driver.settings.split == 2)
    #expect(driver.settings.codec == .slicer(budget: 1e-3))
    #expect(driver.endpoint == .inProcess)
    #expect(
      driver.summary
        == ModelSummary(name: "tiny-opt", layerCount: 4, hiddenSize: 64, contextLength: 128))
  }

  @Test func startUpProblemsFallBackWithANote() throws {
    let (driver, notes) = try TinyModel.driver(
      TinyModel.configuration(split: 9, endpoint: .remote(host: "gpu", port: 7070)))
    #expect(driver.settings.split == 2)
    #expect(driver.endpoint == .inProcess)
    #expect(
      notes == [
        "Split 9 is outside 0…4; using 2.",
        "This build cannot connect to a tail server (gpu:7070); the tail runs in-process.",
      ])
  }

  @Test func aMissingModelIsAnErrorWithAWayOut() {
    #expect(throws: ChatError.noModel(ModelChoice.missingMessage)) {
      _ = try ChatDriver.start(ChatConfiguration(modelPath: nil), connector: nil)
    }
    do {
      _ = try ChatDriver.start(ChatConfiguration(modelPath: "/nonexistent/model"), connector: nil)
      Issue.record("loaded a model from nowhere")
    } catch {
      #expect("\(error)".hasPrefix("Cannot load the model at '/nonexistent/model': "))
      #expect("\(error)".hasSuffix("Pass --model DIR (a model directory or .gguf)."))
    }
  }

  @Test func withoutACodecTheTurnIsTransformersGreedyContinuation() throws {
    #expect(TinyModel.loaded.encode(TinyModel.greedyPrompt) == TinyModel.greedyPromptIDs)
    var (driver, _) = try TinyModel.driver(TinyModel.configuration(codec: .none, maxTokens: 10))
    var pieces: [String] = []
    var positions: [Int] = []
    let outcome = driver.send(TinyModel.greedyPrompt) { step, piece, _ in
      pieces.append(piece)
      positions.append(step.positions)
      return true
    }
    guard case .finished(let turn) = outcome else {
      Issue.record("turn failed: \(outcome)")
      return
    }
    #expect(turn.tokens == TinyModel.greedyIDs)
    #expect(turn.stop == .maxTokens)
    #expect(positions == [6, 1, 1, 1, 1, 1, 1, 1, 1, 1])
    #expect(pieces.joined() == turn.reply)
    #expect(driver.positionsUsed == 15)
  }

  @Test func settingsChangeBetweenTurnsAndSayHow() throws {
    var (driver, _) = try TinyModel.driver()
    #expect(try driver.setCodec(.int8) == "Codec slicer:0.001 → int8.")
    _ = driver.send("Hello")
    let used = driver.positionsUsed
    #expect(try driver.setSplit(3) == "Split 2 → 3/4: \(used) positions replayed.")
    #expect(driver.positionsUsed == used)
    #expect(try driver.setSplit(3) == "The split is already 3.")
    #expect(throws: ChatError.settingRejected("Split 5 is outside 0…4 (tiny-opt has 4 layers).")) {
      try driver.setSplit(5)
    }
    #expect(try driver.setTemperature(0.7) == "Temperature 0.7.")
    #expect(driver.settings.sampling.temperature == 0.7)
    #expect(try driver.setTemperature(0) == "Greedy decoding (temperature 0).")
    #expect(driver.setMaxTokens(3) == "Answers stop after 3 tokens.")
    #expect(throws: ChatError.remoteUnavailable(endpoint: "gpu:7070")) {
      try driver.connect(.remote(host: "gpu", port: 7070))
    }
    #expect(try driver.connect(.inProcess) == "The tail runs in-process.")
    #expect(driver.positionsUsed == used)
    try driver.reset()
    #expect(driver.positionsUsed == 0)
    #expect(driver.transcript.turns.isEmpty)
  }

  @Test func keysReachARunningTurnThroughTheControl() throws {
    var (driver, _) = try TinyModel.driver(TinyModel.configuration(maxTokens: 6))
    let control = GenerationControl()
    var modes: [String] = []
    var steps = 0
    let outcome = driver.send("Hello", control: control) { step, _, _ in
      steps += 1
      modes.append(step.link.last?.mode ?? "")
      if steps == 2 { control.requestCodec(.int8) }
      if steps == 4 { control.requestSplit(3) }
      return true
    }
    guard case .finished(let turn) = outcome else {
      Issue.record("turn failed: \(outcome)")
      return
    }
    #expect(turn.tokens.count == 6)
    #expect(modes[0] != "int8")
    #expect(modes[1] != "int8")
    #expect(Array(modes[2...]) == ["int8", "int8", "int8", "int8"])
    #expect(driver.settings.codec == .int8)
    #expect(driver.settings.split == 3)

    let stopping = GenerationControl()
    var seen = 0
    let stopped = driver.send("Again", control: stopping) { _, _, _ in
      seen += 1
      stopping.requestStop()
      return true
    }
    guard case .finished(let cut) = stopped else {
      Issue.record("turn failed: \(stopped)")
      return
    }
    #expect(cut.stop == .cancelled)
    #expect(seen == 1)
  }

  @Test func aFullContextIsAnOutcomeAndResetStartsAfresh() throws {
    var (driver, _) = try TinyModel.driver(TinyModel.configuration(maxTokens: 500))
    let long = String(repeating: "word ", count: 200)
    guard case .failed(let message, let contextFull) = driver.send(long) else {
      Issue.record("a 200-word prompt fit a 128-position context")
      return
    }
    #expect(contextFull)
    #expect(message == "the prompt is 202 tokens long, but the model's context holds 128")

    guard case .finished(let turn) = driver.send("Hello there") else {
      Issue.record("the short prompt failed")
      return
    }
    #expect(turn.stop == .contextFull)
    #expect(driver.positionsUsed == 128)
    guard case .failed(_, true) = driver.send("more") else {
      Issue.record("a full context took another turn")
      return
    }
    try driver.reset()
    guard case .finished = driver.send("Hello there") else {
      Issue.record("no turn after the reset")
      return
    }
  }

  @Test func theTranscriptHasEveryStep() throws {
    var (driver, _) = try TinyModel.driver(TinyModel.configuration(codec: .none, maxTokens: 3))
    _ = driver.send(TinyModel.greedyPrompt)
    _ = try driver.setCodec(.int8)
    _ = driver.send("Hi")
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "slicer-transcript-\(getpid()).json"
    ).path
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(try driver.save(to: path) == "Saved 2 turns, 6 steps to \(path).")
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    let transcript = try decoder.decode(
      Transcript.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    #expect(transcript.model == "tiny-opt")
    #expect(transcript.hiddenSize == 64)
    #expect(transcript.turns.map(\.codec) == ["none", "int8"])
    #expect(transcript.turns[0].steps.map(\.token) == Array(TinyModel.greedyIDs.prefix(3)))
    #expect(transcript.turns[0].steps.map(\.positions) == [6, 1, 1])
    #expect(transcript.turns[0].steps.map(\.bits) == [6 * 64 * 32, 64 * 32, 64 * 32])
    // int8: a 32-bit scale and a byte per entry, per position.
    let int8Steps = transcript.turns[1].steps
    #expect(int8Steps.map(\.bits) == [int8Steps[0].positions * 544, 544, 544])
    #expect(transcript.turns[0].stop == "max_tokens")
    let raw = try String(contentsOfFile: path, encoding: .utf8)
    #expect(raw.contains("\"payload_bytes\""))
    #expect(raw.contains("\"round_trip_ms\""))
  }

  @Test func aSaveToAMissingDirectoryIsAnError() throws {
    let (driver, _) = try TinyModel.driver()
    do {
      _ = try driver.save(to: "/nonexistent-dir/t.json")
      Issue.record("saved into a missing directory")
    } catch {
      #expect("\(error)".hasPrefix("Cannot save the transcript to '/nonexistent-dir/t.json': "))
    }
  }
}
