import Foundation
import SlicerCodec

/// The F2/F3 keys: the distortion budget moves by a factor (√10 by default, so two presses are
/// a decade: 1e-3 → 3.16e-3 → 1e-2), on the grid of that factor's powers, so that repeated
/// presses land on round numbers instead of accumulating rounding error.
public struct BudgetStepper: Equatable, Sendable {
  public static let defaultBudget = 1e-3
  public static let defaultFactor = 10.0.squareRoot()
  /// A relative budget never leaves [1e-6, 1] by stepping (1 is "send nothing").
  public static let range = 1e-6...1.0
  /// A mean-squared-error budget is in the hidden state's units, so it has no natural top.
  public static let meanSquaredRange = 1e-6...1e6

  public let factor: Double

  /// `factor` > 1; anything else falls back to √10.
  public init(factor: Double = BudgetStepper.defaultFactor) {
    self.factor = factor > 1 && factor.isFinite ? factor : Self.defaultFactor
  }

  /// The codec after one step: `direction` −1 lowers the budget (more bits, less distortion),
  /// +1 raises it. A codec that is not SLICER becomes SLICER at the default budget; SLICER
  /// keeps its groups and measure.
  public func step(_ codec: CodecSpec, direction: Int) -> CodecSpec {
    guard case .slicer(let budget, _, let measure) = codec else {
      return .slicer(budget: Self.defaultBudget)
    }
    let range = measure == .relative ? Self.range : Self.meanSquaredRange
    return codec.withSlicerBudget(step(budget: budget, direction: direction, within: range))
  }

  public func step(budget: Double, direction: Int, within range: ClosedRange<Double> = range)
    -> Double
  {
    let lower = range.lowerBound
    guard budget >= lower else { return direction > 0 ? lower : budget }
    let exponent = log(budget) / log(factor)
    let onGrid = abs(exponent - exponent.rounded()) < 0.02
    let next =
      onGrid
      ? pow(factor, exponent.rounded() + Double(direction.signum()))
      : budget * pow(factor, Double(direction.signum()))
    return min(max(Self.roundedToThreeDigits(next), lower), range.upperBound)
  }

  /// `x` rounded to three significant digits (3.16227… → 3.16), for budgets that read well.
  static func roundedToThreeDigits(_ x: Double) -> Double {
    guard x > 0, x.isFinite else { return x }
    return Double(String(format: "%.2e", x)) ?? x
  }
}

/// The F6 key: cycles through the codecs worth comparing, returning to SLICER as it last was
/// (budget, groups and measure).
public enum CodecCycle {
  public static let baselines: [CodecSpec] = [.topK(fraction: 0.25, bits: 4), .int8, .fp16, .none]

  /// The codec after `current`: SLICER → top-K → int8 → fp16 → none → `slicer`.
  public static func next(after current: CodecSpec, slicer: CodecSpec) -> CodecSpec {
    if case .slicer = current { return baselines[0] }
    if let index = baselines.firstIndex(of: current), index + 1 < baselines.count {
      return baselines[index + 1]
    }
    return slicer
  }
}
