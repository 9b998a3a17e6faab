import SlicerWire
import Testing

@Suite struct SupportTests {
  @Test func halfConversionOfKnownValues() {
    let cases: [(Float, UInt16)] = [
      (0, 0x0000), (-0.0, 0x8000), (1, 0x3C00), (-2, 0xC000), (0.5, 0x3800),
      (65504, 0x7BFF), (-65504, 0xFBFF), (65520, 0x7C00),  // rounds up to inf
      (.infinity, 0x7C00), (-.infinity, 0xFC00),
      (Float(sign: .plus, exponent: -24, significand: 1), 0x0001),  // smallest subnormal
      (Float(sign: .plus, exponent: -14, significand: 1), 0x0400),  // smallest normal
      (Float(sign: .plus, exponent: -26, significand: 1), 0x0000),  // below half the smallest
      (1 + Float(sign: .plus, exponent: -11, significand: 1), 0x3C00),  // tie → even
      (1 + 3 * Float(sign: .plus, exponent: -11, significand: 1), 0x3C02),  // tie → even (up)
    ]
    for (value, bits) in cases {
      #expect(Half.bits(value) == bits, "\(value)")
    }
    #expect(Half.bits(.nan) & 0x7C00 == 0x7C00 && Half.bits(.nan) & 0x3FF != 0)
  }

  @Test func everyHalfSurvivesARoundTrip() {
    for bits in UInt16.min...UInt16.max {
      let value = Half.float(bits)
      if value.isNaN { continue }
      #expect(Half.bits(value) == bits)
    }
    #expect(Half.float(0x0001) == Float(sign: .plus, exponent: -24, significand: 1))
    #expect(Half.float(0xC000) == -2)
  }

  @Test func logProbTableRows() {
    let table = LogProbTable(vocabularySize: 2, logProbs: [-1, -0.5, -0.25, -2])
    #expect(table.positionCount == 2)
    #expect(table.row(1) == [-0.25, -2])
  }

  @Test func fingerprintHex() {
    let hex = "000102030405060708090a0b0c0d0e0f"
    #expect(Samples.fingerprint.description == hex)
    #expect(ModelFingerprint(hex: hex) == Samples.fingerprint)
    #expect(ModelFingerprint(hex: hex.uppercased()) == Samples.fingerprint)
    #expect(Samples.fingerprint.short == "00010203")
    #expect(ModelFingerprint(hex: "00") == nil)
    #expect(ModelFingerprint(hex: String(repeating: "g", count: 32)) == nil)
    #expect(ModelFingerprint([1, 2, 3]) == nil)
  }

  @Test func errorCodesKeepTheirNumbers() {
    #expect(WireErrorCode.known.map(\.rawValue) == Array(1...18))
    for code in WireErrorCode.known { #expect(WireErrorCode(rawValue: code.rawValue) == code) }
    #expect(WireErrorCode(rawValue: 999) == .unrecognized(999))
    #expect(WireErrorCode.unrecognized(999).closesConnection)
  }

  @Test func errorDescriptionIsOneLine() {
    #expect(WireError(.internalError, "line one\nline two\r").description == "line one line two ")
    #expect(WireError(.shuttingDown, "").description == "protocol error shuttingDown")
    #expect("\(WireError(.badSplit, "split 40 is not in 1…11"))" == "split 40 is not in 1…11")
  }

  @Test func samplingValidation() {
    #expect(Sampling.greedy.invalidReason == nil)
    #expect(
      Sampling(temperature: -1).invalidReason == "temperature must be finite and ≥ 0, got -1.0")
    #expect(Sampling(topK: -1).invalidReason == "top-k must be in 0…2147483647, got -1")
    #expect(Sampling(topP: 0).invalidReason == "top-p must be in (0, 1], got 0.0")
    #expect(
      Sampling(repetitionPenalty: .nan).invalidReason
        == "repetition penalty must be finite and > 0, got nan")
  }

  @Test func statsCountFramesAndBytesPerType() {
    var stats = WireStats()
    stats.recordSent(.step, bytes: 130)
    stats.recordSent(.step, bytes: 120)
    stats.recordSent(.hello, bytes: 73)
    stats.recordReceived(.token, bytes: 12)
    #expect(stats.sent[.step] == WireStats.Counter(frames: 2, bytes: 250))
    #expect(stats.totalSent == WireStats.Counter(frames: 3, bytes: 323))
    #expect(stats.totalReceived == WireStats.Counter(frames: 1, bytes: 12))
    #expect(stats.received[.step] == nil)
  }

  @Test func messageTypesKnowTheirDirection() {
    #expect(
      WireMessageType.allCases.filter(\.isClientMessage).map(\.name) == [
        "HELLO", "PREFILL", "STEP", "SCORE", "SAMPLING", "RESET", "BYE", "CODEC",
      ])
    #expect(Set(WireMessageType.allCases.map(\.rawValue)).count == WireMessageType.allCases.count)
  }

  @Test func expectedReplies() {
    let replies = Samples.all.filter { $0.type.isClientMessage }.map {
      "\($0.type.name)→\($0.expectedReply?.name ?? "-")"
    }
    #expect(
      replies == [
        "HELLO→HELLO_OK", "HELLO→HELLO_OK", "HELLO→HELLO_OK", "PREFILL→TOKEN", "PREFILL→ACK",
        "STEP→TOKEN", "STEP→TOKEN", "STEP→TOKEN", "SCORE→SCORES", "SCORE→SCORES", "SAMPLING→ACK",
        "CODEC→ACK", "CODEC→ACK", "RESET→ACK", "BYE→-",
      ])
    #expect(WireMessage.ack(Ack(contextLength: 1)).expectedReply == nil)
  }
}
