import Foundation
import Testing

@testable import SlicerCheckpoint

/// The interpreter on its own, opcode by opcode, with exact expected values.
@Suite struct UnpicklerTests {
  static let file = URL(fileURLWithPath: "/test/data.pkl")

  static func load(_ bytes: [UInt8]) throws -> Unpickler.Result {
    try bytes.withUnsafeBytes { try Unpickler.load($0, file: file) }
  }

  static func loadError(_ bytes: [UInt8]) -> CheckpointError? {
    checkpointError { _ = try load(bytes) }
  }

  @Test func scalarsAndStrings() throws {
    let bytes: [UInt8] =
      [0x80, 4, 0x95] + [UInt8](repeating: 0, count: 8)  // PROTO 4, FRAME 0
      + [0x28]  // MARK
      + [0x4A, 0xFE, 0xFF, 0xFF, 0xFF]  // BININT -2
      + [0x4B, 200]  // BININT1 200
      + [0x4D, 0x10, 0x27]  // BININT2 10000
      + [0x8A, 0]  // LONG1 0
      + [0x8A, 2, 0x00, 0x80]  // LONG1 -32768
      + [0x8A, 5, 0, 0, 0, 0, 1]  // LONG1 2^32
      + [0x47, 0x40, 0x09, 0x21, 0xFB, 0x54, 0x44, 0x2D, 0x18]  // BINFLOAT pi (big-endian)
      + [0x4E, 0x88, 0x89]  // NONE NEWTRUE NEWFALSE
      + [0x8C, 2, 0x68, 0x69]  // SHORT_BINUNICODE "hi"
      + [0x8D, 3, 0, 0, 0, 0, 0, 0, 0, 0xC3, 0xA9, 0x21]  // BINUNICODE8 "é!"
      + [0x74, 0x2E]  // TUPLE STOP
    let result = try Self.load(bytes)
    #expect(
      result.items(of: result.root) == [
        .int(-2), .int(200), .int(10000), .int(0), .int(-32768), .int(1 << 32), .float(Double.pi),
        .none, .bool(true), .bool(false), .string("hi"), .string("é!"),
      ])
  }

  @Test func containersAndMemo() throws {
    let bytes: [UInt8] =
      [0x80, 2]
      + [0x5D, 0x71, 0]  // EMPTY_LIST, BINPUT 0
      + [0x4B, 1, 0x61]  // APPEND 1
      + [0x28, 0x4B, 2, 0x4B, 3, 0x65]  // MARK 2 3 APPENDS
      + [0x28, 0x4B, 9, 0x6C]  // MARK 9 LIST → [9]
      + [0x72, 7, 0, 1, 0]  // LONG_BINPUT 65543
      + [0x28, 0x8C, 1, 0x6B, 0x4B, 4, 0x64]  // MARK "k" 4 DICT → {"k": 4}
      + [0x8C, 1, 0x6D, 0x4B, 5, 0x73]  // SETITEM "m" 5
      + [0x94]  // MEMOIZE → memo[2]
      + [0x4B, 6, 0x85, 0x4B, 7, 0x4B, 8, 0x86, 0x4B, 1, 0x4B, 2, 0x4B, 3, 0x87]  // TUPLE1/2/3
      + [0x68, 0, 0x6A, 7, 0, 1, 0, 0x68, 2]  // BINGET 0, LONG_BINGET 65543, BINGET 2
      + [0x74, 0x2E]  // TUPLE STOP
    // The final TUPLE has no MARK before it, which must be an error, not a trap.
    #expect(
      Self.loadError(bytes)
        == .malformedPickle(file: Self.file, offset: bytes.count - 2, reason: "no MARK to pop to"))

    // With a MARK around the lot: the memoized list was extended in place, so BINGET 0 sees
    // [1, 2, 3] and the dict seen through the memo has both keys.
    var marked = bytes
    marked.insert(0x28, at: 2)
    let result = try Self.load(marked)
    guard let items = result.items(of: result.root), items.count == 9 else {
      Issue.record("expected 9 items, got \(String(describing: result.items(of: result.root)))")
      return
    }
    #expect(result.items(of: items[0]) == [.int(1), .int(2), .int(3)])
    #expect(result.items(of: items[1]) == [.int(9)])
    #expect(result.pairs(of: items[2])?.map(\.key) == [.string("k"), .string("m")])
    #expect(result.pairs(of: items[2])?.map(\.value) == [.int(4), .int(5)])
    #expect(result.items(of: items[3]) == [.int(6)])
    #expect(result.items(of: items[4]) == [.int(7), .int(8)])
    #expect(result.items(of: items[5]) == [.int(1), .int(2), .int(3)])
    #expect(items[6] == items[0])
    #expect(items[7] == items[1])
    #expect(items[8] == items[2])
  }

  @Test func globalsAreWhitelisted() throws {
    let orderedDict: [UInt8] =
      [0x80, 2, 0x8C, 11] + Array("collections".utf8) + [0x8C, 11] + Array("OrderedDict".utf8)
      + [0x93, 0x29, 0x52, 0x2E]  // STACK_GLOBAL EMPTY_TUPLE REDUCE STOP
    let result = try Self.load(orderedDict)
    #expect(result.pairs(of: result.root)?.isEmpty == true)

    var global: [UInt8] = [0x80, 2, 0x63] + Array("torch\nHalfStorage\n".utf8) + [0x2E]
    #expect(try Self.load(global).root == .global(.storageType(.f16)))
    global = [0x80, 2, 0x63] + Array("torch\nDoubleStorage\n".utf8) + [0x2E]
    #expect(
      Self.loadError(global)
        == .forbiddenPickleGlobal(
          file: Self.file, module: "torch", name: "DoubleStorage", offset: 2))
  }

  @Test func malformedInputThrowsInsteadOfTrapping() {
    let cases: [([UInt8], CheckpointError)] = [
      ([0x80, 2, 0x2E], .malformedPickle(file: Self.file, offset: 2, reason: "stack underflow")),
      ([0x80, 1], .malformedPickle(file: Self.file, offset: 0, reason: "unsupported protocol 1")),
      (
        [0x80, 2, 0x68, 5],
        .malformedPickle(file: Self.file, offset: 2, reason: "memo slot 5 is empty")
      ),
      (
        [0x80, 2, 0x4B, 1, 0x61],
        .malformedPickle(file: Self.file, offset: 4, reason: "stack underflow")
      ),
      (
        [0x80, 2, 0x4B, 1, 0x4B, 2, 0x61],
        .malformedPickle(file: Self.file, offset: 6, reason: "cannot add items to a int")
      ),
      (
        [0x80, 2, 0x4B, 1, 0x29, 0x52],
        .malformedPickle(
          file: Self.file, offset: 5, reason: "REDUCE on a int, which is not callable")
      ),
      (
        [0x80, 2, 0x28, 0x4B, 1, 0x86],
        .malformedPickle(file: Self.file, offset: 5, reason: "stack underflow")
      ),
      (
        [0x80, 2, 0x58, 0xFF, 0xFF, 0xFF, 0x7F, 0x41],
        .malformedPickle(
          file: Self.file, offset: 2, reason: "a string of 2147483647 bytes runs past the end")
      ),
      (
        [0x80, 2, 0x8C, 1, 0xFF],
        .malformedPickle(file: Self.file, offset: 2, reason: "a string is not valid UTF-8")
      ),
      (
        [0x80, 2, 0x8A, 9] + [UInt8](repeating: 0, count: 9),
        .malformedPickle(file: Self.file, offset: 2, reason: "integer of 9 bytes is too large")
      ),
      (
        [0x80, 2, 0x4A, 1],
        .truncated(file: Self.file, region: "data.pkl", offset: 3, needed: 4, available: 4)
      ),
      (
        [0x80, 2, 0x63] + Array("torch\nHalf".utf8),
        .truncated(file: Self.file, region: "data.pkl", offset: 13, needed: 1, available: 13)
      ),
    ]
    for (bytes, expected) in cases {
      #expect(Self.loadError(bytes) == expected, "\(bytes)")
    }
  }
}
