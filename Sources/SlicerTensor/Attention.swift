import CCBLAS
import Foundation

/// Causal multi-head attention over a key/value history, with grouped-query heads.
///
/// Layouts (all row-major, one row per position):
/// - `queries`: `(n, heads·headDim)` for the `n` new positions, which sit at absolute positions
///   `past ..< past+n`;
/// - `keys`, `values`: `(past+n, kvHeads·headDim)`, the whole history including the new positions;
/// - result: `(n, heads·headDim)`, head `h` in columns `h·headDim ..< (h+1)·headDim`.
/// Query head `h` reads key/value head `h / (heads / kvHeads)`. Scores are scaled by `scale`.
public enum Attention {
  public static func causal(
    queries: Matrix, keys: UnsafePointer<Float>, values: UnsafePointer<Float>, past: Int,
    heads: Int, kvHeads: Int, headDim: Int, scale: Float
  ) -> Matrix {
    let n = queries.rows
    let total = past + n
    let qWidth = heads * headDim
    let kvWidth = kvHeads * headDim
    let group = heads / kvHeads
    precondition(queries.columns == qWidth && heads % kvHeads == 0, "attention shapes")
    var output = Matrix(zeros: n, qWidth)
    var scores = [Float](repeating: 0, count: n * total)
    queries.values.withUnsafeBufferPointer { q in
      output.values.withUnsafeMutableBufferPointer { out in
        scores.withUnsafeMutableBufferPointer { s in
          for h in 0..<heads {
            let kvh = h / group
            // scores (n × total) = scale · Q_h · K_hᵀ
            cblas_sgemm(
              CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(total), Int32(headDim),
              scale, q.baseAddress! + h * headDim, Int32(qWidth), keys + kvh * headDim,
              Int32(kvWidth), 0, s.baseAddress, Int32(total))
            // Causal mask: row i (absolute position past+i) sees keys 0...past+i.
            for i in 0..<n {
              let row = s.baseAddress! + i * total
              let visible = past + i + 1
              for j in visible..<total { row[j] = 0 }
              Softmax.apply(row, count: visible)
            }
            // out_h (n × headDim) = P · V_h
            cblas_sgemm(
              CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(headDim), Int32(total), 1,
              s.baseAddress, Int32(total), values + kvh * headDim, Int32(kvWidth), 0,
              out.baseAddress! + h * headDim, Int32(qWidth))
          }
        }
      }
    }
    return output
  }
}
