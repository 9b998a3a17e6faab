/// The checks the codec fuzzer (Tests/Fuzz/CodecFuzz.swift) applies to every input, kept in the
/// module so the corpus replay test runs exactly the same code.
///
/// Input layout:
///
///     byte 0      selector: bit 7 clear → decode path, spec = selector mod specs.count;
///                 bit 7 set → encode path, budget = budgets[selector & 7]
///     bytes 1…2   little-endian width d, taken mod 4097 (decode path)
///     bytes 3…    decode path: the message; encode path: little-endian fp32 values (≤ 512)
///
/// Decode path: the decoder must return d floats or throw a `CodecError` — never trap.
/// Encode path: SLICER at the budget (with the default and with one group per stream), SLICER
/// with a mean-squared-error budget of the budget times the vector's mean square (so it is in
/// range for every vector; the budget itself when that is not finite) and one more spec (picked
/// by bits 3…6 of the selector) must encode the vector and decode their own message; the
/// decoded relative distortion must equal the reported one, SLICER's distortion under its
/// measure must be ≤ its budget, and encoding twice must give the same bytes.
public enum CodecFuzzHarness {
  public static let specs: [CodecSpec] = [
    .none, .fp32, .fp16, .bf16, .int8, .topK(fraction: 0.25, bits: 4),
    .topK(fraction: 0.03, bits: 1),
    .slicer(budget: 0.3), .slicer(budget: 1e-3), .slicer(budget: 1e-5, maxGroups: 16),
  ]
  static let budgets = [0, 1e-5, 1e-3, 1e-2, 0.05, 0.3, 0.999, 1]

  /// nil when `input` passes, else what went wrong.
  public static func check(_ input: [UInt8]) -> String? {
    guard input.count >= 3 else { return nil }
    let selector = Int(input[0])
    let payload = Array(input[3...])
    if selector & 0x80 == 0 {
      let spec = specs[selector % specs.count]
      let d = (Int(input[1]) | Int(input[2]) << 8) % 4097
      do {
        let v = try spec.makeCodec().decode(payload, dimension: d)
        if v.count != d { return "\(spec) decoded \(v.count) values, not \(d)" }
      } catch {
        if error.description.isEmpty { return "\(spec) threw an error without a description" }
      }
      return nil
    }
    var x = [Float]()
    var i = 0
    while i + 4 <= payload.count && x.count < 512 {
      x.append(
        Float(
          bitPattern: UInt32(payload[i]) | UInt32(payload[i + 1]) << 8 | UInt32(payload[i + 2])
            << 16
            | UInt32(payload[i + 3]) << 24))
      i += 4
    }
    let budget = budgets[selector & 7]
    let other = specs[(selector >> 3 & 0xF) % specs.count]
    let meanSquare = x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(x.count, 1))
    let mseBudget = (budget * meanSquare).isFinite ? budget * meanSquare : budget
    let candidates: [CodecSpec] = [
      .slicer(budget: budget), .slicer(budget: budget, maxGroups: 1),
      .slicer(budget: mseBudget, measure: .meanSquared), other,
    ]
    for spec in candidates {
      let codec = spec.makeCodec()
      let e = codec.encode(x)
      let decoded: [Float]
      do { decoded = try codec.decode(e.bytes, dimension: x.count) } catch {
        return "\(spec) could not decode its own message: \(error)"
      }
      let distortion = Distortion.relativeSquaredError(x, decoded)
      guard distortion.bitPattern == e.stats.distortion.bitPattern else {
        return
          "\(spec) reports distortion \(e.stats.distortion) but the decoder gives \(distortion)"
      }
      guard e.stats.totalBits == 8 * e.bytes.count else { return "\(spec) miscounts its bits" }
      if case .slicer(let b, _, let measure) = spec {
        let measured = measure.of(x, decoded)
        guard measured <= b else { return "\(spec) broke its budget: distortion \(measured)" }
        guard codec.encode(x).bytes == e.bytes else { return "\(spec) is not deterministic" }
      }
    }
    return nil
  }
}
