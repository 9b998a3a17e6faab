import SlicerWire

/// Messages used across the tests: one or more of every type, with edge values.
enum Samples {
  static let fingerprint = ModelFingerprint(Array(0..<16))!

  static let hello = Hello(
    fingerprint: fingerprint, modelName: "opt", split: 4, hiddenSize: 768, codec: "fp16",
    sampling: Sampling(seed: 42))

  static let helloOK = HelloOK(
    server: "slicer 0.1.0", modelName: "facebook/opt-125m", layerCount: 12, vocabularySize: 50272,
    limits: ServerLimits(maximumFrameBytes: 1 << 20, maximumContext: 2048, idleTimeoutSeconds: 300))

  /// Every kind of message, each at least once, with edge values where they matter.
  static let all: [WireMessage] = [
    .hello(hello),
    .hello(
      Hello(
        fingerprint: ModelFingerprint(Array(repeating: 0xFF, count: 16))!,
        modelName: "SmolLM2-135M-Instruct ✓", split: WireLimits.maximumTokenID,
        hiddenSize: 576, codec: String(repeating: "c", count: WireLimits.maximumStringBytes),
        sampling: Sampling(
          temperature: 0.7, topK: 40, topP: 0.95, repetitionPenalty: 1.1, seed: .max),
        maximumTokens: 256, maximumReplyBytes: WireLimits.minimumFrameBytes, authToken: "s3cret")),
    .hello(
      Hello(
        fingerprint: fingerprint, modelName: "", split: 0, hiddenSize: 0, codec: "",
        authToken: "")),
    .helloOK(helloOK),
    .prefill(Prefill(payloads: [[1], [2, 3], []])),
    .prefill(
      Prefill(
        payloads: [Array(repeating: 0xAB, count: 300), [0]],
        tokens: [2, WireLimits.maximumTokenID], sample: false)),
    .step(Step(payload: [])),
    .step(Step(payload: [0x00, 0x80, 0xFF])),
    .step(Step(payload: (0..<200).map { UInt8($0) })),
    .score(ScoreRequest(payloads: [[9, 9], [8]], targets: [0, 50271])),
    .score(ScoreRequest(payloads: [[]], targets: [7], wantsDistribution: true)),
    .sampling(Sampling(temperature: 1.5, topK: 0, topP: 1, repetitionPenalty: 0.5, seed: 7)),
    .codec("slicer:1e-3"),
    .codec(""),
    .reset,
    .bye,
    .token(TokenReply(token: 50118, logProb: -1.5, computeMicroseconds: 1234, contextLength: 7)),
    .token(
      TokenReply(
        token: 0, logProb: -.infinity, computeMicroseconds: .max,
        contextLength: WireLimits.maximumTokenID)),
    .scores(
      Scores(positions: [
        ScoredPosition(targetLogProb: -3.25, argmax: 13),
        ScoredPosition(targetLogProb: 0, argmax: 0),
      ])),
    .scores(
      Scores(
        positions: [
          ScoredPosition(targetLogProb: -0.5, argmax: 2),
          ScoredPosition(targetLogProb: -7, argmax: 1),
        ],
        distributions: LogProbTable(
          vocabularySize: 3, logProbs: [-0.5, -1, -2, -7, -0.25, -65504]))),
    .ack(Ack(contextLength: 0)),
    .ack(Ack(contextLength: 300)),
    .error(WireError(.contextFull, "full")),
    .error(WireError(.unrecognized(999), "from the future")),
    .error(WireError(.internalError, "")),
  ]
}
