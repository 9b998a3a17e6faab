import SlicerCodec
import SlicerTensor

/// The client side of the link: turns hidden rows into payloads with the codec, keeping each
/// row's statistics.
public struct LinkEncoder: Sendable {
  public let codec: any FeatureCodec

  public init(_ spec: CodecSpec) { codec = spec.makeCodec() }

  public var spec: CodecSpec { codec.spec }

  /// One payload and one `StepStats` per row of `hidden`. The `none` codec sends the floats
  /// themselves (its statistics describe what fp32 would cost).
  public func encode(_ hidden: Matrix) -> (payloads: [LinkPayload], stats: [StepStats]) {
    var payloads: [LinkPayload] = []
    var stats: [StepStats] = []
    payloads.reserveCapacity(hidden.rows)
    stats.reserveCapacity(hidden.rows)
    for r in 0..<hidden.rows {
      let row = hidden.row(r)
      let encoded = codec.encode(row)
      payloads.append(codec.spec.isPassthrough ? .floats(row) : .encoded(encoded.bytes))
      stats.append(encoded.stats)
    }
    return (payloads, stats)
  }
}
