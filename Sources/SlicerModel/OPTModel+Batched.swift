import SlicerTensor

/// OPT's layer on a batch of rows from different conversations: the same computation as
/// `OPTModel.layer` (keep the two in step), with the projections and the feed-forward stacked
/// and attention per row.
extension OPTModel: BatchedDecoderModel {
  public func layer(_ index: Int, batch hidden: Matrix, caches: inout [LayerCache]) -> Matrix {
    precondition(caches.count == hidden.rows, "one cache per row")
    let block = layers[index]
    let preLN = config.doLayerNormBefore
    let heads = config.numAttentionHeads

    var h = preLN ? block.selfAttnLayerNorm(hidden) : hidden
    let attended = BatchedAttention.perRow(
      queries: block.qProj(h), keys: block.kProj(h), values: block.vProj(h), caches: &caches,
      heads: heads, kvHeads: heads, headDim: config.hiddenSize / heads)
    h = block.outProj(attended)
    h.add(hidden)
    if !preLN { h = block.selfAttnLayerNorm(h) }

    let residual = h
    var f = block.fc1(preLN ? block.finalLayerNorm(h) : h)
    Activation.relu(&f)
    h = block.fc2(f)
    h.add(residual)
    if !preLN { h = block.finalLayerNorm(h) }
    return h
  }
}
