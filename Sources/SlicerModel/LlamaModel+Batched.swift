import SlicerTensor

/// Llama's layer on a batch of rows from different conversations: `LlamaModel.layer`'s
/// projections and feed-forward on the stacked rows, with RoPE and attention per row (each row
/// sits at its own conversation's position).
extension LlamaModel: BatchedDecoderModel {
  public func layer(_ index: Int, batch hidden: Matrix, caches: inout [LayerCache]) -> Matrix {
    precondition(caches.count == hidden.rows, "one cache per row")
    for cache in caches {
      precondition(cache.length < config.contextLength, "position beyond context")
    }
    let block = layers[index]
    let positions = caches.map(\.length)
    let (q, k, v) = attentionInputs(block, hidden) { positions[$0] }
    let attended = BatchedAttention.perRow(
      queries: q, keys: k, values: v, caches: &caches,
      heads: config.headCount, kvHeads: config.kvHeadCount, headDim: config.headDim)
    return afterAttention(block, attended, hidden)
  }
}
