import SlicerCodec
import SlicerTUI
import Testing

struct BudgetStepperTests {
  let stepper = BudgetStepper()

  @Test func twoPressesAreADecadeOnRoundNumbers() {
    var budget = 1e-3
    var up: [Double] = []
    for _ in 0..<4 {
      budget = stepper.step(budget: budget, direction: 1)
      up.append(budget)
    }
    #expect(up == [0.00316, 0.01, 0.0316, 0.1])
    var down: [Double] = []
    for _ in 0..<4 {
      budget = stepper.step(budget: budget, direction: -1)
      down.append(budget)
    }
    #expect(down == [0.0316, 0.01, 0.00316, 0.001])
  }

  @Test func offGridBudgetsMoveByTheFactor() {
    #expect(stepper.step(budget: 0.002, direction: 1) == 0.00632)
    #expect(BudgetStepper(factor: 2).step(budget: 0.003, direction: -1) == 0.0015)
  }

  @Test func stepsStayInRange() {
    #expect(stepper.step(budget: 1, direction: 1) == 1)
    #expect(stepper.step(budget: 1e-6, direction: -1) == 1e-6)
    #expect(stepper.step(budget: 0, direction: 1) == 1e-6)
    #expect(stepper.step(budget: 0, direction: -1) == 0)
  }

  @Test func codecsOtherThanSlicerSwitchToTheDefaultBudget() {
    #expect(stepper.step(.int8, direction: 1) == .slicer(budget: 1e-3))
    #expect(stepper.step(.none, direction: -1) == .slicer(budget: 1e-3))
    #expect(
      stepper.step(.slicer(budget: 0.01, maxGroups: 4), direction: -1)
        == .slicer(budget: 0.00316, maxGroups: 4))
  }

  @Test func aMeanSquaredBudgetKeepsItsMeasureAndIsNotCappedAtOne() {
    let mse = CodecSpec.slicer(budget: 1, measure: .meanSquared)
    #expect(stepper.step(mse, direction: 1) == .slicer(budget: 3.16, measure: .meanSquared))
    #expect(stepper.step(mse, direction: -1) == .slicer(budget: 0.316, measure: .meanSquared))
    #expect(
      stepper.step(.slicer(budget: 1e6, measure: .meanSquared), direction: 1)
        == .slicer(budget: 1e6, measure: .meanSquared))
    // The relative measure stops at 1, which already sends nothing.
    #expect(stepper.step(.slicer(budget: 1), direction: 1) == .slicer(budget: 1))
  }

  @Test func aFactorBelowOneFallsBackToRootTen() {
    #expect(BudgetStepper(factor: 0.5).factor == BudgetStepper.defaultFactor)
  }

  @Test func codecCycleReturnsToSlicerAtItsBudget() {
    var codec = CodecSpec.slicer(budget: 0.01)
    var seen: [String] = []
    for _ in 0..<5 {
      codec = CodecCycle.next(after: codec, slicer: .slicer(budget: 0.01))
      seen.append(codec.description)
    }
    #expect(seen == ["topk:0.25:4", "int8", "fp16", "none", "slicer:0.01"])
    let mse = CodecSpec.slicer(budget: 0.3, maxGroups: 4, measure: .meanSquared)
    #expect(CodecCycle.next(after: .bf16, slicer: mse) == mse)
  }
}
