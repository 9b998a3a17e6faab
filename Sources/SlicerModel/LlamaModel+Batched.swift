import SlicerTensor

/// Llama's layer on a batch of rows from different conversations: the same computation as
/// `LlamaModel.layer` (keep the two in step), with the projections and the feed-forward stacked,
/// and RoPE and attention per row (each row sits at its own conversation's position).
extension LlamaModel: BatchedDecoderModel {
  public func layer(_ index: Int, batch hidden: Matrix, caches: inout [LayerCache]) -> Matrix {
    precondition(caches.count == hidden.rows, "one cache per row")
    let block = layers[index]
    let normed = block.attentionNorm(hidden)
    let q = block.query(normed)
    let k = block.key(normed)
    var rotatedQ = Matrix(zeros: q.rows, q.columns)
    var rotatedK = Matrix(zeros: k.rows, k.columns)
    for r in 0..<hidden.rows {
      let past = caches[r].length
      precondition(past < config.contextLength, "position beyond context")
      var qr = q.rows(r..<(r + 1))
      var kr = k.rows(r..<(r + 1))
      applyRoPE(&qr, heads: config.headCount, start: past)
      applyRoPE(&kr, heads: config.kvHeadCount, start: past)
      rotatedQ.values.replaceSubrange((r * q.columns)..<((r + 1) * q.columns), with: qr.values)
      rotatedK.values.replaceSubrange((r * k.columns)..<((r + 1) * k.columns), with: kr.values)
    }
    let attended = BatchedAttention.perRow(
      queries: rotatedQ, keys: rotatedK, values: block.value(normed), caches: &caches,
      heads: config.headCount, kvHeads: config.kvHeadCount, headDim: config.headDim)
    var h = block.attentionOutput(attended)
    h.add(hidden)

    let f = block.ffnNorm(h)
    var gate = block.gate(f)
    Activation.silu(&gate)
    let up = block.up(f)
    gate.values.withUnsafeMutableBufferPointer { g in
      up.values.withUnsafeBufferPointer { u in
        for i in 0..<g.count { g[i] *= u[i] }
      }
    }
    var out = block.down(gate)
    out.add(h)
    return out
  }
}
