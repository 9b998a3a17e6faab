// libFuzzer target for SlicerCodec. Not part of the SwiftPM package: it is compiled together
// with the module's sources (see Tests/Fuzz/README.md):
//
//   swiftc -sanitize=fuzzer,address -parse-as-library -O \
//     Sources/SlicerCodec/*.swift Tests/Fuzz/CodecFuzz.swift -o .build/codec-fuzz
//   .build/codec-fuzz -max_total_time=600 .build/codec-fuzz-corpus Tests/Fuzz/codec-corpus
//
// The checks live in CodecFuzzHarness (Sources/SlicerCodec/CodecFuzzHarness.swift) so that
// SlicerCodecTests replays the committed corpus through exactly the same code.

@_cdecl("LLVMFuzzerTestOneInput")
public func codecFuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let input = Array(UnsafeBufferPointer(start: data, count: size))
  if let problem = CodecFuzzHarness.check(input) {
    fatalError(problem)
  }
  return 0
}
