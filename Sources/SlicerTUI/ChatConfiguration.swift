import SlicerCodec
import SlicerModel

/// Connects to a `slicer serve` tail; provided by the server module (the TUI knows none).
public typealias RemoteConnector = @Sendable (_ host: String, _ port: Int) throws -> TailFactory

/// How `slicer chat` starts: from the command line.
public struct ChatConfiguration: Sendable {
  /// The model to load (`ModelChoice`); nil: none found, say so on screen.
  public var modelPath: String?
  public var modelNotice: String?
  /// Split layer; nil: half the model's depth.
  public var split: Int?
  public var codec: CodecSpec
  public var sampling: SamplingParameters
  public var maxTokens: Int
  public var system: String?
  public var endpoint: TailEndpoint
  /// F2/F3 multiply or divide the budget by this.
  public var budgetFactor: Double
  /// Readline history; nil: no history file.
  public var historyPath: String?
  /// `NO_COLOR` is set: attributes only.
  public var noColor: Bool
  /// Test aid: a pause after each generated token, so that keys can land mid-answer.
  public var stepDelay: Double
  /// Where to write frame statistics at exit (redraw measurements); nil: nowhere.
  public var frameStatisticsPath: String?

  public init(
    modelPath: String?, modelNotice: String? = nil, split: Int? = nil,
    codec: CodecSpec = .slicer(budget: BudgetStepper.defaultBudget),
    sampling: SamplingParameters = .greedy, maxTokens: Int = 256, system: String? = nil,
    endpoint: TailEndpoint = .inProcess, budgetFactor: Double = BudgetStepper.defaultFactor,
    historyPath: String? = nil, noColor: Bool = false, stepDelay: Double = 0,
    frameStatisticsPath: String? = nil
  ) {
    self.modelPath = modelPath
    self.modelNotice = modelNotice
    self.split = split
    self.codec = codec
    self.sampling = sampling
    self.maxTokens = maxTokens
    self.system = system
    self.endpoint = endpoint
    self.budgetFactor = budgetFactor
    self.historyPath = historyPath
    self.noColor = noColor
    self.stepDelay = stepDelay
    self.frameStatisticsPath = frameStatisticsPath
  }
}
