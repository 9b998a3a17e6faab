/// Everything that can go wrong when naming a codec or decoding a message.
///
/// Decoding never traps: every byte string either decodes or throws one of these, and each case
/// carries the evidence (what was expected, what was found) so a log line is actionable.
public enum CodecError: Error, Equatable, Sendable, CustomStringConvertible {
  /// A codec name that does not parse; `reason` says what is wrong and lists the valid forms.
  case invalidSpec(spec: String, reason: String)
  /// The caller asked for a vector width the codec does not support (see `CodecLimits`).
  case dimensionOutOfRange(dimension: Int, maximum: Int)
  /// A fixed- or self-delimited-length message of the wrong size.
  case wrongLength(codec: String, expectedBytes: Int, actualBytes: Int)
  /// A message with no bytes at all.
  case emptyMessage(codec: String)
  /// The 3-bit mode field of a SLICER message holds a value no encoder writes.
  case unknownMode(Int)
  /// Bits that are structurally readable but describe an impossible message.
  case corrupt(codec: String, detail: String)

  public var description: String {
    switch self {
    case .invalidSpec(let spec, let reason):
      "invalid codec '\(spec)': \(reason). Valid forms: \(CodecSpec.validForms)"
    case .dimensionOutOfRange(let dimension, let maximum):
      "vector width \(dimension) is outside the supported range 0…\(maximum)"
    case .wrongLength(let codec, let expected, let actual):
      "\(codec) message has \(actual) bytes but its header implies \(expected); it was truncated, padded or is not a \(codec) message"
    case .emptyMessage(let codec):
      "\(codec) message is empty; at least one byte is required"
    case .unknownMode(let mode):
      "slicer message has mode \(mode), which no encoder writes (valid: 0 zero, 2 fp16, 3 fp32, 4 sparse; 1 was the sparse format of slicer 0.1); the bytes are corrupt or from a newer version"
    case .corrupt(let codec, let detail):
      "corrupt \(codec) message: \(detail)"
    }
  }
}

/// Limits shared by every codec.
public enum CodecLimits {
  /// The widest vector any codec encodes or decodes (2^20). Hidden sizes of real models are far
  /// below this; the cap bounds what a decoder allocates for an untrusted `dimension`.
  public static let maxDimension = 1 << 20
}
