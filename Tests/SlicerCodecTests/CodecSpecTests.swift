import Testing

@testable import SlicerCodec

@Suite struct CodecSpecTests {
  @Test(arguments: [
    ("none", CodecSpec.none), ("fp32", .fp32), ("fp16", .fp16), ("bf16", .bf16), ("int8", .int8),
    ("topk:0.25:4", .topK(fraction: 0.25, bits: 4)), ("topk:1.0:16", .topK(fraction: 1, bits: 16)),
    ("slicer:0.001", .slicer(budget: 1e-3)),
    ("slicer:0.01:g=4", .slicer(budget: 0.01, maxGroups: 4)),
    ("slicer:0.0", .slicer(budget: 0)),
    ("slicer:0.3:m=mse", .slicer(budget: 0.3, measure: .meanSquared)),
    ("slicer:0.01:g=4:m=mse", .slicer(budget: 0.01, maxGroups: 4, measure: .meanSquared)),
  ])
  func canonicalStringsRoundTrip(text: String, spec: CodecSpec) throws {
    #expect(try CodecSpec(parsing: text) == spec)
    #expect(spec.description == text)
    #expect(try CodecSpec(parsing: spec.description) == spec)
  }

  @Test func acceptsOtherSpellingsOfTheSameSpec() throws {
    #expect(try CodecSpec(parsing: "slicer:1e-3") == .slicer(budget: 0.001))
    #expect(try CodecSpec(parsing: "  SLICER:1E-3 ") == .slicer(budget: 0.001))
    #expect(try CodecSpec(parsing: "topk:.5:2") == .topK(fraction: 0.5, bits: 2))
    #expect(try CodecSpec(parsing: "slicer:0.5:g=8").description == "slicer:0.5")
    #expect(CodecSpec.slicer(budget: 1e-5).description == "slicer:1e-05")
    #expect(try CodecSpec(parsing: "slicer:1e-05") == .slicer(budget: 1e-5))
    #expect(try CodecSpec(parsing: "slicer:0.3:m=rel").description == "slicer:0.3")
    #expect(
      try CodecSpec(parsing: "slicer:0.3:M=MSE:g=2")
        == .slicer(budget: 0.3, maxGroups: 2, measure: .meanSquared))
  }

  @Test(arguments: [
    ("slicr:1e-3", "unknown codec 'slicr' (did you mean 'slicer'?)"),
    ("fp17", "unknown codec 'fp17' (did you mean 'fp16'?)"),
    ("bf61", "unknown codec 'bf61' (did you mean 'bf16'?)"),
    ("zstd", "unknown codec 'zstd'"),
    ("", "the codec name is empty"),
    ("fp16:2", "'fp16' takes no parameters"),
    ("slicer", "slicer needs a distortion budget, as in slicer:1e-3"),
    ("slicer:", "slicer needs a distortion budget, as in slicer:1e-3"),
    ("slicer:-1", "slicer BUDGET '-1' must be a finite number ≥ 0, e.g. 1e-3"),
    ("slicer:nan", "slicer BUDGET 'nan' must be a finite number ≥ 0, e.g. 1e-3"),
    ("slicer:inf", "slicer BUDGET 'inf' must be a finite number ≥ 0, e.g. 1e-3"),
    ("slicer:1e-3:g=0", "slicer g '0' must be an integer in 1…16"),
    ("slicer:1e-3:g=17", "slicer g '17' must be an integer in 1…16"),
    ("slicer:1e-3:q=2", "unknown slicer option 'q' (known keys: g, m)"),
    ("slicer:1e-3:4", "slicer option '4' must look like KEY=VALUE (known keys: g, m)"),
    ("slicer:1e-3:m=abs", "slicer m 'abs' must be rel (‖x−x̂‖²/‖x‖², the default) or mse (‖x−x̂‖²/d)"),
    ("slicer:1e-3:g=2:g=3", "slicer option 'g' is given twice"),
    ("topk:0.25", "topk needs exactly two parameters, FRACTION and BITS, as in topk:0.25:4"),
    ("topk:0:4", "topk FRACTION '0' must be a number in (0, 1]"),
    ("topk:1.5:4", "topk FRACTION '1.5' must be a number in (0, 1]"),
    ("topk:0.25:0", "topk BITS '0' must be an integer in 1…16"),
    ("topk:0.25:3.5", "topk BITS '3.5' must be an integer in 1…16"),
  ])
  func rejectsWithAnActionableMessage(text: String, reason: String) {
    #expect(throws: CodecError.invalidSpec(spec: text, reason: reason)) {
      try CodecSpec(parsing: text)
    }
  }

  @Test func errorMessageListsTheValidForms() {
    let message = CodecError.invalidSpec(spec: "slicr", reason: "unknown codec 'slicr'").description
    #expect(
      message
        == "invalid codec 'slicr': unknown codec 'slicr'. Valid forms: none, fp32, fp16, bf16, int8, topk:FRACTION:BITS (e.g. topk:0.25:4), slicer:BUDGET[:g=GROUPS][:m=rel|mse] (e.g. slicer:1e-3, slicer:0.01:g=4, slicer:0.3:m=mse)"
    )
  }

  @Test func everySpecMakesACodecThatReportsItsSpec() throws {
    for text in [
      "none", "fp32", "fp16", "bf16", "int8", "topk:0.25:4", "slicer:0.001", "slicer:0.01:g=4",
      "slicer:0.3:m=mse",
    ] {
      let spec = try CodecSpec(parsing: text)
      #expect(spec.makeCodec().spec == spec)
      #expect(spec.isPassthrough == (text == "none"))
    }
  }
}
