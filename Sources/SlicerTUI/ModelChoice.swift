/// Which model `slicer chat` runs when `--model` is not given: OPT-125M from `Weights/` when
/// present (the paper's model), else the SmolLM2 chat model the setup provides — with a
/// one-line notice saying which, and how to get the other.
public struct ModelChoice: Equatable, Sendable {
  public static let optDirectory = "Weights/opt-125m"
  public static let smolDirectory = "Weights/smollm2-135m-instruct"

  /// The model to load; nil when there is none.
  public var path: String?
  /// The line shown on screen.
  public var notice: String?

  public init(path: String?, notice: String?) {
    self.path = path
    self.notice = notice
  }

  public static func resolve(explicit: String?, exists: (String) -> Bool) -> ModelChoice {
    if let explicit { return ModelChoice(path: explicit, notice: nil) }
    let hasOPT = exists(optDirectory)
    let hasSmol = exists(smolDirectory)
    switch (hasOPT, hasSmol) {
    case (true, true):
      return ModelChoice(
        path: optDirectory,
        notice: "Model: OPT-125M (\(optDirectory)). For the chat model: --model \(smolDirectory)")
    case (true, false):
      return ModelChoice(
        path: optDirectory,
        notice: "Model: OPT-125M (\(optDirectory)). For a chat model: slicer fetch smollm2-135m")
    case (false, true):
      return ModelChoice(
        path: smolDirectory,
        notice: "Model: SmolLM2-135M-Instruct. For the paper's OPT-125M: slicer fetch opt-125m")
    case (false, false):
      return ModelChoice(path: nil, notice: nil)
    }
  }

  /// What to do when there is no model at all.
  public static let missingMessage =
    "No model in Weights/: get one with `slicer fetch smollm2-135m` or `slicer fetch opt-125m`, or pass --model DIR."
}
