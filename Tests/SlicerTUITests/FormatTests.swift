import Foundation
import Testing

@testable import SlicerTUI

/// The hand-made number formats agree with printf's.
struct FormatTests {
  /// No value within rounding error of a tie (like 9.95), where printf's exact decimal rounding
  /// and the panes' may differ.
  static let values: [Double] = [
    0, 1, -1, 0.5, 0.25, 9.96, 9.94, 0.000999, 0.00099999, 0.001, 0.00316, 0.0316, 1e-5,
    123.456, 99.95, -30.0, -25.01, -0.04, 2.5e-9, 7.77e7, 1234567.891, 0.1, 0.7, 1e-300, 3.0e15,
  ]

  @Test func scientificIsPercentOneE() {
    for x in Self.values {
      #expect(Format.scientific(x) == String(format: "%.1e", x), "\(x)")
    }
  }

  @Test func fixedIsPercentF() {
    for x in Self.values where abs(x) < 1e14 && !(x < 0 && abs(x) < 0.05) {
      for digits in 0...3 {
        #expect(
          Format.fixed(x, digits: digits) == String(format: "%.\(digits)f", x), "\(x) \(digits)")
      }
    }
    // printf keeps a minus sign on a negative value that rounds to zero; the panes do not.
    #expect(Format.fixed(-0.04, digits: 1) == "0.0")
    #expect(Format.fixed(nil) == "-")
  }

  @Test func panesNumbers() {
    #expect(Format.decibels(1e-3) == "-30.0 dB")
    #expect(Format.decibels(0) == "exact")
    #expect(Format.milliseconds(0.4249) == "0.42")
    #expect(Format.milliseconds(3.14) == "3.1")
    #expect(Format.milliseconds(125.4) == "125")
    #expect(Format.budget(0.00316) == "0.00316")
    #expect(Format.budget(1e-5) == "1e-05")
  }
}
