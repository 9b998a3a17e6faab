import SlicerCodec
import SlicerModel

/// A tail as a server would be: every payload crosses a byte boundary (raw floats as their
/// little-endian bit patterns) before an in-process tail sees it, and the endpoint differs.
/// Stands in for `--server` until the server exists, and shows the replay cannot tell.
struct RelayTail: TailTransport {
  var inner: LocalTail
  let endpoint: String

  static func factory(endpoint: String = "relay:7070") -> TailFactory {
    { model, settings in
      RelayTail(
        inner: try LocalTail(
          model: model, split: settings.split, codec: settings.codec, sampling: settings.sampling),
        endpoint: endpoint)
    }
  }

  static func relay(_ payload: LinkPayload) -> LinkPayload {
    switch payload {
    case .encoded(let bytes):
      return .encoded(Array(bytes))
    case .floats(let values):
      let bytes = values.flatMap { value in
        withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) }
      }
      let back = stride(from: 0, to: bytes.count, by: 4).map { i in
        Float(
          bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16
            | UInt32(bytes[i + 3]) << 24)
      }
      return .floats(back)
    }
  }

  mutating func prefill(_ payloads: [LinkPayload], tokens: [Int]) throws -> TailReply {
    try inner.prefill(payloads.map(Self.relay), tokens: tokens)
  }

  mutating func step(_ payload: LinkPayload) throws -> TailReply {
    try inner.step(Self.relay(payload))
  }

  mutating func score(_ payloads: [LinkPayload], targets: [Int], distributions: Bool) throws
    -> TailScore
  {
    try inner.score(payloads.map(Self.relay), targets: targets, distributions: distributions)
  }

  mutating func setCodec(_ spec: CodecSpec) throws { try inner.setCodec(spec) }
  mutating func setSampling(_ parameters: SamplingParameters) throws {
    try inner.setSampling(parameters)
  }
  mutating func reset() throws { try inner.reset() }
}
