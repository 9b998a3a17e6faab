import SlicerTensor

/// OPT's layer on a batch of rows from different conversations: `OPTModel.layer`'s projections
/// and feed-forward on the stacked rows, attention per row.
extension OPTModel: BatchedDecoderModel {
  public func layer(_ index: Int, batch hidden: Matrix, caches: inout [LayerCache]) -> Matrix {
    precondition(caches.count == hidden.rows, "one cache per row")
    let block = layers[index]
    let heads = config.numAttentionHeads
    let (q, k, v) = attentionInputs(block, hidden)
    let attended = BatchedAttention.perRow(
      queries: q, keys: k, values: v, caches: &caches,
      heads: heads, kvHeads: heads, headDim: config.hiddenSize / heads)
    return afterAttention(block, attended, hidden)
  }
}
