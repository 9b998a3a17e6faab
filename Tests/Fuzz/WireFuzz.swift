// libFuzzer target for SlicerWire's frame parser. Not part of the SwiftPM package: it is compiled
// together with the module's sources (docs/PROTOCOL.md, "Building and fuzzing"):
//
//   swiftc -sanitize=fuzzer,address -parse-as-library \
//     Sources/SlicerWire/*.swift Tests/Fuzz/WireFuzz.swift -o .build/wire-fuzz
//   .build/wire-fuzz -max_total_time=600 .build/wire-fuzz-corpus Tests/Fuzz/wire-corpus
//
// For arbitrary bytes it checks that the decoder and ProtocolState never crash, and that:
// 1. every decoded frame re-encodes to exactly the bytes it came from (canonical encoding);
// 2. feeding the same bytes in two chunks, or one byte at a time, yields the same frames and the
//    same error as feeding them at once;
// 3. every error the decoder or ProtocolState throws can be sent as an ERROR frame and decoded.

/// Decodes `chunks` in order; returns each frame's bytes and the error that stopped it, if any.
private func decode(_ chunks: [ArraySlice<UInt8>]) -> (frames: [[UInt8]], error: WireError?) {
  var decoder = FrameDecoder()
  var frames: [[UInt8]] = []
  var state = ProtocolState(maximumContext: 64)
  for chunk in chunks {
    decoder.append(chunk)
    do {
      while let frame = try decoder.nextFrame() {
        let bytes = frame.message.encode()
        guard bytes.count == frame.byteCount else {
          fatalError(
            "\(frame.message.type) re-encodes to \(bytes.count) bytes, not \(frame.byteCount)")
        }
        frames.append(bytes)
        do {
          try state.check(frame.message)
          state.apply(frame.message)
        } catch {
          roundTripsAsErrorFrame(error)
          if error.code.closesConnection { state.close() }
        }
      }
    } catch {
      roundTripsAsErrorFrame(error)
      return (frames, error)
    }
  }
  return (frames, nil)
}

private func roundTripsAsErrorFrame(_ error: WireError) {
  var decoder = FrameDecoder()
  decoder.append(WireMessage.error(error).encode())
  guard case .error(let decoded)? = try? decoder.next(), decoded.code == error.code else {
    fatalError("the error \(error) does not survive an ERROR frame")
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func wireFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  let whole = decode([bytes[...]])

  // The frames must be the input's own bytes, in order.
  let consumed = whole.frames.reduce(0) { $0 + $1.count }
  guard consumed <= bytes.count, whole.frames.joined().elementsEqual(bytes[..<consumed]) else {
    fatalError("decoded frames are not the input's bytes")
  }

  let cut = size == 0 ? 0 : Int(bytes[0]) % (size + 1)
  let halves = decode([bytes[..<cut], bytes[cut...]])
  let single = size <= 512 ? decode(bytes.indices.map { bytes[$0...$0] }) : halves
  for other in [halves, single] {
    guard other.frames == whole.frames, other.error == whole.error else {
      fatalError("chunked decoding differs: \(other.error as Any) vs \(whole.error as Any)")
    }
  }
  return 0
}
