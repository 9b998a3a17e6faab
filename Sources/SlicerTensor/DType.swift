/// Element types a checkpoint can store, and their conversion to the fp32 we compute in.
public enum DType: String, Sendable, CaseIterable {
  case f32 = "F32"
  case f16 = "F16"
  case bf16 = "BF16"

  /// Bytes per element.
  public var size: Int {
    switch self {
    case .f32: 4
    case .f16, .bf16: 2
    }
  }
}

extension DType {
  /// Converts `count` little-endian elements at `source` to fp32 into `destination`.
  /// `source` need not be aligned (checkpoint data rarely is).
  public func convert(
    _ source: UnsafeRawPointer, count: Int, into destination: UnsafeMutablePointer<Float>
  ) {
    switch self {
    case .f32:
      for i in 0..<count {
        destination[i] = Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
      }
    case .f16:
      for i in 0..<count {
        let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
        destination[i] = Float(Float16(bitPattern: bits))
      }
    case .bf16:
      for i in 0..<count {
        let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
        destination[i] = Float(bitPattern: UInt32(bits) << 16)
      }
    }
  }

  /// Converts `count` elements at `source` to a new fp32 array.
  public func floats(_ source: UnsafeRawPointer, count: Int) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      convert(source, count: count, into: buffer.baseAddress!)
      initialized = count
    }
  }
}
