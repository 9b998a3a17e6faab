import CKernels

/// Causal multi-head attention over a key/value history, with grouped-query heads.
///
/// Layouts (all row-major, one row per position):
/// - `queries`: `(n, heads·headDim)` for the `n` new positions, which sit at absolute positions
///   `past ..< past+n`;
/// - `keys`, `values`: `(past+n, kvHeads·headDim)`, the whole history including the new positions;
/// - result: `(n, heads·headDim)`, head `h` in columns `h·headDim ..< (h+1)·headDim`.
/// Query head `h` reads key/value head `h / (heads / kvHeads)`. Scores are scaled by `scale`.
///
/// Each (position, head) is computed by one thread of the kernels' pool (`ck_attention`): scores,
/// softmax (max-subtracted, fp32), and the probability-weighted sum of values.
public enum Attention {
  public static func causal(
    queries: Matrix, keys: UnsafePointer<Float>, values: UnsafePointer<Float>, past: Int,
    heads: Int, kvHeads: Int, headDim: Int, scale: Float
  ) -> Matrix {
    causal(
      queries: queries, keys: keys, values: values, past: past, heads: heads, kvHeads: kvHeads,
      headDim: headDim, scale: scale, portable: false)
  }

  /// `causal` by the fastest kernels the CPU has, or by the portable ones (for tests).
  static func causal(
    queries: Matrix, keys: UnsafePointer<Float>, values: UnsafePointer<Float>, past: Int,
    heads: Int, kvHeads: Int, headDim: Int, scale: Float, portable: Bool
  ) -> Matrix {
    let n = queries.rows
    precondition(
      heads > 0 && kvHeads > 0 && heads % kvHeads == 0 && queries.columns == heads * headDim,
      "attention shapes")
    var output = Matrix(zeros: n, heads * headDim)
    queries.values.withUnsafeBufferPointer { q in
      output.values.withUnsafeMutableBufferPointer { out in
        (portable ? ck_attention_portable : ck_attention)(
          q.baseAddress, Int64(n), keys, values, Int64(past), Int64(heads), Int64(kvHeads),
          Int64(headDim), scale, out.baseAddress)
      }
    }
    return output
  }
}
