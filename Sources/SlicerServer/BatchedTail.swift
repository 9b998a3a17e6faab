import SlicerModel
import SlicerTensor

/// One decode step for several sessions at once: their rows are stacked so that each of the
/// tail's linear layers (and the LM head) is one matrix–matrix product over the batch, while
/// attention runs per row against each session's own cache (`BatchedDecoderModel`).
///
///     session 0 ─ row 0 ─┐                                ┌─ logits row 0 ─ sampler 0
///     session 1 ─ row 1 ─┼─ layers split..<L, LM head ────┼─ logits row 1 ─ sampler 1
///     session 2 ─ row 2 ─┘   (caches[r] = session r's)    └─ logits row 2 ─ sampler 2
///
/// All sessions must share the model and the split.
enum BatchedTail {
  static func step(_ sessions: [SessionTail], rows: [Matrix]) -> [SessionTail.Choice] {
    precondition(!sessions.isEmpty && sessions.count == rows.count, "one row per session")
    let model = sessions[0].model
    let split = sessions[0].split
    precondition(sessions.allSatisfy { $0.split == split }, "a batch shares its split")
    for session in sessions { session.beginStep() }
    var h = Matrix(stacking: rows.map(\.values))
    for layer in split..<model.info.layerCount {
      var caches = sessions.map { $0.takeCache(layer: layer) }
      h = model.batchedLayer(layer, h, caches: &caches)
      for (session, cache) in zip(sessions, caches) { session.returnCache(cache, layer: layer) }
    }
    let logits = model.logits(h)
    return sessions.indices.map { sessions[$0].choose(logits: logits.row($0)) }
  }
}
