import CKernels
import Foundation

/// The compute kernels' run-time settings, and a probe of the machine they run on.
public enum Kernels {
  /// "avx2" when the AVX2 + FMA + F16C kernels run, "portable" on CPUs without them.
  public static var instructionSet: String { String(cString: ck_isa()) }

  /// Threads a kernel call is split across, the caller included. Defaults to the number of
  /// online CPUs (at most 8), or `$SLICER_THREADS`.
  public static var threadCount: Int {
    get { Int(ck_thread_count()) }
    set { ck_set_thread_count(Int32(clamping: newValue)) }
  }

  /// Whether products with 4-bit block weights (Q4_0, Q4_1) round the input rows to 16-bit
  /// integers per 32-element block and multiply in integers: about 1.3–1.5× faster decoding than
  /// widening every weight to fp32, with an error of at most half a 16-bit step of the input per
  /// element (no measurable change in perplexity). On by default; `$SLICER_FP32_ACTIVATIONS=1`
  /// turns it off. Other formats always multiply in fp32.
  public static var quantizedActivations: Bool {
    get { ck_quantized_activations() != 0 }
    set { ck_set_quantized_activations(newValue ? 1 : 0) }
  }

  /// How many kernel calls so far ran split across the pool's threads, and how many on the
  /// calling thread alone because timing showed that faster (a machine busy with other work).
  /// Calls too small to split are not counted.
  public static var poolCalls: (split: Int, alone: Int) {
    var split: UInt64 = 0
    var alone: UInt64 = 0
    ck_pool_statistics(&split, &alone)
    return (Int(split), Int(alone))
  }

  /// The machine's read bandwidth in bytes per second: the best of `repeats` passes summing a
  /// buffer of `bytes` (make it much larger than the last-level cache) on `threads` threads
  /// (1, or `threadCount`). The buffer is allocated, touched and freed here.
  public static func measureReadBandwidth(bytes: Int = 256 << 20, threads: Int, repeats: Int = 5)
    -> Double
  {
    let size = max(bytes / 128 * 128, 128)
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 4096)
    defer { buffer.deallocate() }
    // Touch every page (non-zero, so no page can stay the shared zero page).
    buffer.initializeMemory(as: UInt8.self, repeating: 1)
    var best = 0.0
    var checksum = 0.0
    for _ in 0..<max(repeats, 1) {
      let start = ContinuousClock.now
      checksum += ck_stream_read(buffer.baseAddress, size, Int32(clamping: threads))
      let elapsed = ContinuousClock.now - start
      let seconds =
        Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
      if seconds > 0 { best = max(best, Double(size) / seconds) }
    }
    // Each pass sums 0x0101…01 per 8 bytes; using the checksum keeps the reads observable.
    precondition(checksum > 0, "bandwidth probe read nothing")
    return best
  }
}
