/// Where the time goes, per generated token: the client's head layers and codec, the tail, the
/// whole round trip, the decode rate and the time to the first token.
///
/// ```
///  Timing ────────────────────────
///  head 3.1 + codec 0.21 ms/tok
///  tail 12.0  trip 13.2 ms/tok
///  75.3 tok/s  first token 812 ms
/// ```
struct TimingPane {
  func draw(_ state: ScreenState, in rect: Rect, on canvas: inout some Canvas) {
    guard !rect.isEmpty else { return }
    PaneHeading.draw("Timing", in: rect, on: &canvas)
    let turn = state.link.turn
    canvas.spans(
      [
        (" head ", .label), (Format.milliseconds(turn.headMillisecondsPerToken), .value),
        (" + codec ", .label), (Format.milliseconds(turn.encodeMillisecondsPerToken), .value),
        (" ms/tok", .label),
      ], in: rect, line: 1)
    canvas.spans(
      [
        (" tail ", .label), (Format.milliseconds(turn.tailMillisecondsPerToken), .value),
        ("  trip ", .label), (Format.milliseconds(turn.roundTripMilliseconds), .value),
        (" ms/tok", .label),
      ], in: rect, line: 2)
    canvas.spans(
      [
        (" ", .label), (Format.fixed(turn.tokensPerSecond), .value),
        (" tok/s  first token ", .label),
        (Format.milliseconds(turn.firstTokenSeconds.map { $0 * 1000 }), .value), (" ms", .label),
      ], in: rect, line: 3)
  }
}
