/// A codec and its parameters, named by one short string a user can type — the same string on
/// the command line, in the TUI, in config files and on the wire:
///
/// | string | codec |
/// | --- | --- |
/// | `none` | no codec: the tail gets the float vector itself (reported as fp32 bits) |
/// | `fp32`, `fp16`, `bf16` | every entry as a float of that width |
/// | `int8` | per-vector absmax scale (fp32) + one signed byte per entry |
/// | `topk:FRACTION:BITS` | keep the round(FRACTION·d) largest-magnitude entries, `BITS`-bit uniform values |
/// | `slicer:BUDGET[:g=GROUPS][:m=MEASURE]` | SLICER with distortion budget ‖x−x̂‖²/‖x‖² ≤ BUDGET (`m=rel`, the default) or ‖x−x̂‖²/d ≤ BUDGET (`m=mse`), at most GROUPS magnitude groups per sign (default 8) |
public enum CodecSpec: Sendable, Equatable, Hashable, CustomStringConvertible {
  case none
  case fp32
  case fp16
  case bf16
  case int8
  /// `fraction` ∈ (0, 1], `bits` ∈ 1…16.
  case topK(fraction: Double, bits: Int)
  /// `budget` ≥ 0 (finite), `maxGroups` ∈ 1…`SlicerFormat.maxGroups`; `measure` is what the
  /// budget bounds (the decoder does not need it: it only changes the encoder's choice).
  case slicer(
    budget: Double, maxGroups: Int = SlicerFormat.defaultMaxGroups,
    measure: DistortionMeasure = .relative)

  /// The forms `init(parsing:)` accepts, for error messages and help text.
  public static let validForms =
    "none, fp32, fp16, bf16, int8, topk:FRACTION:BITS (e.g. topk:0.25:4), slicer:BUDGET[:g=GROUPS][:m=rel|mse] (e.g. slicer:1e-3, slicer:0.01:g=4, slicer:0.3:m=mse)"

  /// Parses the canonical strings above. Surrounding whitespace and letter case are ignored.
  public init(parsing text: String) throws(CodecError) {
    let trimmed = text.trimmingSpaces().lowercased()
    let fields = trimmed.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    let name = fields[0]
    func fail(_ reason: String) -> CodecError { .invalidSpec(spec: text, reason: reason) }
    func noParameters() throws(CodecError) {
      if fields.count > 1 { throw fail("'\(name)' takes no parameters") }
    }
    switch name {
    case "none":
      try noParameters()
      self = .none
    case "fp32":
      try noParameters()
      self = .fp32
    case "fp16":
      try noParameters()
      self = .fp16
    case "bf16":
      try noParameters()
      self = .bf16
    case "int8":
      try noParameters()
      self = .int8
    case "topk":
      guard fields.count == 3 else {
        throw fail("topk needs exactly two parameters, FRACTION and BITS, as in topk:0.25:4")
      }
      guard let fraction = Double(fields[1]), fraction.isFinite, fraction > 0, fraction <= 1 else {
        throw fail("topk FRACTION '\(fields[1])' must be a number in (0, 1]")
      }
      guard let bits = Int(fields[2]), (1...16).contains(bits) else {
        throw fail("topk BITS '\(fields[2])' must be an integer in 1…16")
      }
      self = .topK(fraction: fraction, bits: bits)
    case "slicer":
      guard fields.count >= 2, !fields[1].isEmpty else {
        throw fail("slicer needs a distortion budget, as in slicer:1e-3")
      }
      guard let budget = Double(fields[1]), budget.isFinite, budget >= 0 else {
        throw fail("slicer BUDGET '\(fields[1])' must be a finite number ≥ 0, e.g. 1e-3")
      }
      var maxGroups = SlicerFormat.defaultMaxGroups
      var measure = DistortionMeasure.relative
      var seen: Set<String> = []
      for option in fields.dropFirst(2) {
        let pair = option.split(separator: "=", maxSplits: 1).map(String.init)
        guard pair.count == 2 else {
          throw fail("slicer option '\(option)' must look like KEY=VALUE (known keys: g, m)")
        }
        guard seen.insert(pair[0]).inserted else {
          throw fail("slicer option '\(pair[0])' is given twice")
        }
        switch pair[0] {
        case "g":
          guard let g = Int(pair[1]), (1...SlicerFormat.maxGroups).contains(g) else {
            throw fail("slicer g '\(pair[1])' must be an integer in 1…\(SlicerFormat.maxGroups)")
          }
          maxGroups = g
        case "m":
          guard let m = DistortionMeasure(rawValue: pair[1]) else {
            throw fail(
              "slicer m '\(pair[1])' must be rel (‖x−x̂‖²/‖x‖², the default) or mse (‖x−x̂‖²/d)")
          }
          measure = m
        default:
          throw fail("unknown slicer option '\(pair[0])' (known keys: g, m)")
        }
      }
      self = .slicer(budget: budget, maxGroups: maxGroups, measure: measure)
    default:
      let known = ["none", "fp32", "fp16", "bf16", "int8", "topk", "slicer"]
      let nearest = known.min { editDistance($0, name) < editDistance($1, name) }!
      let hint = editDistance(nearest, name) <= 2 ? " (did you mean '\(nearest)'?)" : ""
      throw fail(name.isEmpty ? "the codec name is empty" : "unknown codec '\(name)'\(hint)")
    }
  }

  /// The canonical string; `CodecSpec(parsing: spec.description) == spec` for every valid spec.
  public var description: String {
    switch self {
    case .none: "none"
    case .fp32: "fp32"
    case .fp16: "fp16"
    case .bf16: "bf16"
    case .int8: "int8"
    case .topK(let fraction, let bits): "topk:\(fraction):\(bits)"
    case .slicer(let budget, let maxGroups, let measure):
      "slicer:\(budget)"
        + (maxGroups == SlicerFormat.defaultMaxGroups ? "" : ":g=\(maxGroups)")
        + (measure == .relative ? "" : ":m=\(measure.rawValue)")
    }
  }

  /// The same spec with another SLICER budget (its groups and measure kept); other codecs
  /// become `slicer:BUDGET`.
  public func withSlicerBudget(_ budget: Double) -> CodecSpec {
    if case .slicer(_, let maxGroups, let measure) = self {
      return .slicer(budget: budget, maxGroups: maxGroups, measure: measure)
    }
    return .slicer(budget: budget)
  }

  /// The SLICER budget, or nil for the other codecs.
  public var slicerBudget: Double? {
    if case .slicer(let budget, _, _) = self { return budget }
    return nil
  }

  /// True for `none`: the tail gets the floats themselves; no real link is modelled.
  public var isPassthrough: Bool { self == .none }

  /// A codec implementing this spec. Specs built in code (not parsed) with out-of-range
  /// parameters are a programmer error and trap here.
  public func makeCodec() -> any FeatureCodec {
    switch self {
    case .none: DenseFloatCodec(spec: self, format: .fp32)
    case .fp32: DenseFloatCodec(spec: self, format: .fp32)
    case .fp16: DenseFloatCodec(spec: self, format: .fp16)
    case .bf16: DenseFloatCodec(spec: self, format: .bf16)
    case .int8: Int8AbsmaxCodec()
    case .topK(let fraction, let bits):
      TopKUniformCodec(fraction: fraction, bits: bits)
    case .slicer(let budget, let maxGroups, let measure):
      SlicerFeatureCodec(budget: budget, maxGroups: maxGroups, measure: measure)
    }
  }
}

extension String {
  fileprivate func trimmingSpaces() -> String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
    return String(self.drop(while: isSpace).reversed().drop(while: isSpace).reversed())
  }
}

/// Levenshtein distance, for "did you mean" hints on short names.
private func editDistance(_ a: String, _ b: String) -> Int {
  let a = Array(a)
  let b = Array(b)
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var previous = Array(0...b.count)
  for i in 1...a.count {
    var current = [i] + Array(repeating: 0, count: b.count)
    for j in 1...b.count {
      let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
      current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
    }
    previous = current
  }
  return previous[b.count]
}
