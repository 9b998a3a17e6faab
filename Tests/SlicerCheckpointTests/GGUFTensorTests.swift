import Foundation
import SlicerTensor
import Testing

@testable import SlicerCheckpoint

@Suite struct GGUFTensorTests {
  // fp16 bit patterns: 1 = 0x3C00, 2 = 0x4000, 3 = 0x4200, 4 = 0x4400, 5 = 0x4500, 6 = 0x4600,
  // 0.5 = 0x3800.
  static let f16Data: [UInt8] = [
    0x00, 0x3C, 0x00, 0x40, 0x00, 0x42, 0x00, 0x44, 0x00, 0x45, 0x00, 0x46,
  ]

  /// Two Q8_0 blocks: d = 1 with q = j − 16, then d = 0.5 with q = j.
  static let q8Data: [UInt8] = {
    var bytes: [UInt8] = [0x00, 0x3C]
    for j in 0..<32 { bytes.append(UInt8(bitPattern: Int8(j - 16))) }
    bytes += [0x00, 0x38]
    for j in 0..<32 { bytes.append(UInt8(j)) }
    return bytes
  }()
  static let q8Values: [Float] = {
    let first: [Float] = (0..<32).map { j in Float(j - 16) }
    let second: [Float] = (0..<32).map { j in 0.5 * Float(j) }
    return first + second
  }()

  /// One Q4_1 block: d = 1, m = 0.5, byte j = low nibble j, high nibble 15 − j.
  static let q41Data: [UInt8] = {
    let nibbles: [UInt8] = (0..<16).map { j in UInt8(j) | UInt8(15 - j) << 4 }
    return [0x00, 0x3C, 0x00, 0x38] + nibbles
  }()
  static let q41Values: [Float] = {
    let low: [Float] = (0..<16).map { j in Float(j) + 0.5 }
    let high: [Float] = (0..<16).map { j in Float(15 - j) + 0.5 }
    return low + high
  }()

  /// A file with one tensor of each decodable type, 64-byte alignment.
  static func writer() -> GGUFTestWriter {
    var writer = GGUFTestWriter()
    writer.alignment = 64
    writer.metadata = [
      ("general.alignment", .uint32(64)), ("general.architecture", .string("test")),
    ]
    writer.tensors = [
      .init(name: "norm", dimensions: [4], typeID: 0, data: f32Bytes([1, -2, 0.5, 3])),
      .init(name: "w", dimensions: [3, 2], typeID: 1, data: f16Data),
      .init(name: "q8", dimensions: [32, 2], typeID: 8, data: q8Data),
      .init(name: "q41", dimensions: [32, 1, 1], typeID: 3, data: q41Data),
      .init(name: "bf", dimensions: [2], typeID: 30, data: [0xC0, 0x3F, 0x80, 0xC0]),
    ]
    return writer
  }

  @Test func tensorLayoutsAreReportedInBothOrders() throws {
    let file = try GGUFFile(bytes: Self.writer().bytes())
    #expect(file.alignment == 64)
    #expect(file.dataOffset % 64 == 0)
    #expect(file.tensorNames == ["norm", "w", "q8", "q41", "bf"])
    let w = try file.tensor("w")
    #expect(w.type == .f16)
    #expect(w.dimensions == [3, 2])
    #expect(w.shape == [2, 3])
    #expect(w.elementCount == 6 && w.byteCount == 12)
    let q8 = try file.tensor("q8")
    #expect(q8.type == .q8_0 && q8.shape == [2, 32] && q8.byteCount == 68)
    #expect(try file.tensor("q41").shape == [1, 1, 32])
    // Each tensor starts at the data section plus a multiple of 64, in file order (q8's 68 bytes
    // take two units).
    let offsets = file.tensorNames.compactMap { file.tensors[$0]?.offset }
    #expect(offsets == [0, 64, 128, 256, 320].map { file.dataOffset + $0 })
  }

  @Test func floatsDecodeEveryType() throws {
    let file = try GGUFFile(bytes: Self.writer().bytes())
    #expect(try file.floats("norm") == [1, -2, 0.5, 3])
    #expect(try file.floats("w") == [1, 2, 3, 4, 5, 6])  // row-major [2, 3]
    #expect(try file.floats("q8") == Self.q8Values)
    #expect(try file.floats("q41") == Self.q41Values)
    #expect(try file.floats("bf") == [1.5, -4])
    #expect(Array(try file.rawBytes("q41")) == Self.q41Data)
    #expect(throws: GGUFError.noSuchTensor("missing")) { try file.floats("missing") }
  }

  @Test func aMappedFileReadsLikeTheSameBytesInMemory() throws {
    let bytes = Self.writer().bytes()
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("gguf-tensor-test-\(UInt64.random(in: 0...UInt64.max)).gguf")
    try Data(bytes).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }

    let mapped = try GGUFFile(url: url)
    let inMemory = try GGUFFile(bytes: bytes)
    #expect(mapped.fileSize == bytes.count)
    #expect(mapped.metadata == inMemory.metadata)
    #expect(mapped.tensors == inMemory.tensors)
    for name in mapped.tensorNames {
      #expect(try mapped.floats(name) == inMemory.floats(name), "\(name)")
    }
  }

  @Test func aTypeThatCannotBeDecodedIsNamedWithItsTensor() throws {
    // A Q2_K tensor: one 256-element block of 84 bytes. The file is valid; decoding is not offered.
    var writer = GGUFTestWriter()
    writer.tensors = [
      .init(
        name: "blk.0.ffn_up.weight", dimensions: [256], typeID: 10,
        data: [UInt8](repeating: 0, count: 84))
    ]
    let file = try GGUFFile(bytes: writer.bytes())
    #expect(try file.tensor("blk.0.ffn_up.weight").byteCount == 84)
    #expect(try file.rawBytes("blk.0.ffn_up.weight").count == 84)
    let error = GGUFError.unsupportedType(tensor: "blk.0.ffn_up.weight", type: .q2_K)
    #expect(throws: error) { try file.floats("blk.0.ffn_up.weight") }
    #expect("\(error)".contains("Tensor \"blk.0.ffn_up.weight\" is stored as Q2_K"))
  }
}
