import Foundation

/// The rotation angles of rotary position embeddings: `cos`/`sin` of position·θᵢ for each pair
/// i of a head, θᵢ = base^(−2i/ropeDimensions).
///
/// The first `cachedPositions` positions are tabulated at load, `(positions, pairs)` row-major;
/// later ones are computed when asked, by the same expression, so both give identical values.
/// A whole-context table would cost 8·pairs bytes per position: 2 MiB for SmolLM2's 8,192
/// positions, held for the process's life although a chat rarely reaches far into it (and
/// 4 GiB for a file that claims 2²⁴ positions).
struct RotaryTable: Sendable {
  /// Positions tabulated at load (fewer when the context is shorter): 256 KiB for 32 pairs.
  static let defaultCachedPositions = 1024

  let pairs: Int
  let cachedPositions: Int
  /// θᵢ, in Double as llama.cpp computes them before rounding to fp32.
  private let frequencies: [Double]
  private let cosines: [Float]
  private let sines: [Float]

  init(
    base: Float, dimensions: Int, contextLength: Int,
    cachedPositions: Int = RotaryTable.defaultCachedPositions
  ) {
    pairs = dimensions / 2
    frequencies = (0..<pairs).map { i in
      pow(Double(base), -2 * Double(i) / Double(dimensions))
    }
    self.cachedPositions = max(0, min(contextLength, cachedPositions))
    var cosines = [Float](repeating: 0, count: self.cachedPositions * pairs)
    var sines = cosines
    for position in 0..<self.cachedPositions {
      for i in 0..<pairs {
        let theta = Double(position) * frequencies[i]
        cosines[position * pairs + i] = Float(cos(theta))
        sines[position * pairs + i] = Float(sin(theta))
      }
    }
    self.cosines = cosines
    self.sines = sines
  }

  /// Writes the `pairs` cosines and sines of `position` to `cos` and `sin`.
  func angles(
    at position: Int, cos cosOut: UnsafeMutablePointer<Float>,
    sin sinOut: UnsafeMutablePointer<Float>
  ) {
    if position < cachedPositions {
      let row = position * pairs
      for i in 0..<pairs {
        cosOut[i] = cosines[row + i]
        sinOut[i] = sines[row + i]
      }
    } else {
      for i in 0..<pairs {
        let theta = Double(position) * frequencies[i]
        cosOut[i] = Float(cos(theta))
        sinOut[i] = Float(sin(theta))
      }
    }
  }
}
