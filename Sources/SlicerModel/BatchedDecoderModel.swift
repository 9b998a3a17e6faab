import SlicerTensor

/// A decoder that can run one layer on rows from *different* conversations at once: the rows are
/// stacked so that every linear layer is one matrix–matrix product (one pass over its weights
/// for the whole batch), while attention stays per row, each row against its own KV cache.
///
/// This is what lets a tail server serve several clients' decode steps for about the price of
/// one: at batch size 1 a decoder step is bound by reading the weights, not by arithmetic.
///
///     rows (n × hidden)   row r = the next position of conversation r
///     caches[r]           conversation r's cache for this layer; grows by one position
///
/// Row r's result depends only on row r and `caches[r]` — up to the last bits of float
/// rounding, which can differ from running the row alone because a batched product may sum in
/// another order.
public protocol BatchedDecoderModel: DecoderModel {
  /// Runs layer `index` on one new position for each of `hidden.rows` conversations, appending
  /// each row's key and value to its own cache. `caches.count == hidden.rows`.
  func layer(_ index: Int, batch hidden: Matrix, caches: inout [LayerCache]) -> Matrix
}

extension DecoderModel {
  /// Layer `index` on a batch of one-position rows from different conversations: stacked when
  /// the model supports it (`BatchedDecoderModel`), else row by row through `layer`.
  public func batchedLayer(_ index: Int, _ hidden: Matrix, caches: inout [LayerCache]) -> Matrix {
    precondition(caches.count == hidden.rows, "one cache per row")
    if let batched = self as? any BatchedDecoderModel {
      return batched.layer(index, batch: hidden, caches: &caches)
    }
    var out = Matrix(zeros: hidden.rows, hidden.columns)
    for r in 0..<hidden.rows {
      let row = layer(index, hidden.rows(r..<(r + 1)), cache: &caches[r])
      out.values.replaceSubrange(
        (r * hidden.columns)..<((r + 1) * hidden.columns), with: row.values)
    }
    return out
  }
}

/// Attention of one new position per conversation, each against its own cache, for the batched
/// layers: row r of `queries` attends over `caches[r]` after its key and value are appended.
enum BatchedAttention {
  static func perRow(
    queries: Matrix, keys: Matrix, values: Matrix, caches: inout [LayerCache], heads: Int,
    kvHeads: Int, headDim: Int
  ) -> Matrix {
    var out = Matrix(zeros: queries.rows, queries.columns)
    for r in 0..<queries.rows {
      let past = caches[r].length
      caches[r].append(keys: keys.row(r), values: values.row(r))
      let cache = caches[r]
      let attended = cache.keys.withUnsafeBufferPointer { k in
        cache.values.withUnsafeBufferPointer { v in
          Attention.causal(
            queries: queries.rows(r..<(r + 1)), keys: k.baseAddress!, values: v.baseAddress!,
            past: past, heads: heads, kvHeads: kvHeads, headDim: headDim,
            scale: 1 / Float(headDim).squareRoot())
        }
      }
      out.values.replaceSubrange(
        (r * queries.columns)..<((r + 1) * queries.columns), with: attended.values)
    }
    return out
  }
}
