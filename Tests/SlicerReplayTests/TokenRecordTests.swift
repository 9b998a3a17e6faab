import Foundation
import SlicerCodec
import SlicerModel
import Testing

@testable import SlicerReplay

struct TokenRecordTests {
  @Test func oneRecordPerGeneratedTokenWithItsStepStatistics() throws {
    let records = TokenRecord.records(SyntheticReplay.result)
    #expect(records.count == 2)
    let first = records[0]
    #expect(first.turn == 1)
    #expect(first.step == 1)
    #expect(first.token == 7)
    #expect(first.piece == "Hello\n")
    #expect(first.positions == 3)
    #expect(
      first.bits == .init(total: 192, header: 60, position: 48, scale: 36, value: 36, padding: 12))
    #expect(first.kPositive == 9)
    #expect(first.kNegative == 6)
    #expect(first.bitwidths == ["dropped": 9, "1": 6, "2": 6, "4": 3])
    #expect(first.groups.map(\.sign) == ["+", "+", "−"])
    #expect(first.codec == "slicer:0.001")
    #expect(first.times.roundTripMilliseconds == 4)
    #expect(records[1].step == 2)
    #expect(records[1].positions == 1)
  }

  @Test func theJSONLinesArePinned() throws {
    let lines = try TokenRecord.jsonLines(TokenRecord.records(SyntheticReplay.result))
    let first = try #require(lines.split(separator: "\n").first)
    #expect(
      first == """
        {"bits":{"header":60,"padding":12,"position":48,"scale":36,"total":192,"value":36},\
        "bitwidths":{"1":6,"2":6,"4":3,"dropped":9},"codec":"slicer:0.001","conversation":1,\
        "distortion":0.002,"file":"toy.prompt","groups":[{"bits":2,"count":2,"hi":1,"lo":0.5,\
        "sign":"+"},{"bits":4,"count":1,"hi":4,"lo":1,"sign":"+"},{"bits":1,"count":2,"hi":0.75,\
        "lo":0.25,"sign":"−"}],"k_negative":6,"k_positive":9,"line":4,"log_probability":-1.5,\
        "max_distortion":0.002,"mode":"sparse","payload_bytes":24,"piece":"Hello\\n",\
        "positions":3,"split":2,"step":1,"times":{"encode_ms":2,"head_ms":1,"round_trip_ms":4,\
        "tail_ms":3},"token":7,"turn":1}
        """)
    #expect(lines.split(separator: "\n").count == 2)
  }

  @Test func aRealReplayHasARecordForEveryToken() throws {
    let loaded = try TestModels.tiny()
    let runner = ReplayRunner(
      loaded: loaded, start: ChatSettings(split: 2, codec: .slicer(budget: 1e-3), maxTokens: 4))
    let result = try runner.run(
      try PromptFile(parsing: "Hello there.\n\nAnd again.\n", path: "t.prompt"))
    let records = TokenRecord.records(result)
    #expect(records.map(\.token) == result.turns.flatMap(\.tokens))
    #expect(records.map(\.step) == [1, 2, 3, 4, 1, 2, 3, 4])
    #expect(records.reduce(0) { $0 + $1.positions } == result.totals.positions)
    #expect(records.reduce(0) { $0 + $1.bits.total } == result.totals.bits)
    #expect(records.allSatisfy { $0.mode == "sparse" && !$0.groups.isEmpty })
    for record in records {
      let parts = record.bits
      #expect(
        parts.header + parts.position + parts.scale + parts.value + parts.padding == parts.total)
    }
    // Every line is a JSON object.
    for line in try TokenRecord.jsonLines(records).split(separator: "\n") {
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      #expect(object?["token"] is Int)
    }
  }
}
