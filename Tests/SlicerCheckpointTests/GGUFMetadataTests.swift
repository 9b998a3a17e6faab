import Testing

@testable import SlicerCheckpoint

@Suite struct GGUFMetadataTests {
  /// One entry of every GGUF value type, arrays of every element type, nested and empty arrays.
  static let entries: [(key: String, value: GGUFValue)] = [
    ("u8", .uint8(250)),
    ("i8", .int8(-7)),
    ("u16", .uint16(65535)),
    ("i16", .int16(-32768)),
    ("u32", .uint32(4_000_000_000)),
    ("i32", .int32(-123_456)),
    ("f32", .float32(1e-5)),
    ("bool", .bool(true)),
    ("str", .string("héllo ☃ <|im_start|>\n")),
    ("empty", .string("")),
    ("u64", .uint64(.max)),
    ("i64", .int64(.min)),
    ("f64", .float64(-2.5e300)),
    ("arr.u8", .array(.uint8([0, 255]))),
    ("arr.i8", .array(.int8([-128, 127]))),
    ("arr.u16", .array(.uint16([1, 65535]))),
    ("arr.i16", .array(.int16([-1, 2]))),
    ("arr.u32", .array(.uint32([7, 4_000_000_000]))),
    ("arr.i32", .array(.int32([3, -3, 3]))),
    ("arr.f32", .array(.float32([0.5, -1e30, .infinity]))),
    ("arr.bool", .array(.bool([false, true, true]))),
    ("arr.string", .array(.string(["Ġt", "", "<|endoftext|>"]))),
    ("arr.u64", .array(.uint64([.max]))),
    ("arr.i64", .array(.int64([.min, 0]))),
    ("arr.f64", .array(.float64([1e-300, 0.25]))),
    ("arr.empty", .array(.string([]))),
    (
      "arr.nested",
      .array(.array([.int32([1, 2]), .string(["a"]), .array([.uint8([9])]), .float32([])]))
    ),
  ]

  static func file() throws -> GGUFFile {
    var writer = GGUFTestWriter()
    writer.metadata = entries
    return try GGUFFile(bytes: writer.bytes())
  }

  @Test func everyValueTypeRoundTrips() throws {
    let file = try Self.file()
    #expect(file.metadataKeys == Self.entries.map(\.key))
    #expect(file.metadata.count == Self.entries.count)
    for (key, value) in Self.entries {
      #expect(file.metadata[key] == value, "\(key)")
    }
    #expect(file.tensors.isEmpty)
    #expect(file.version == 3)
    #expect(file.alignment == 32)
  }

  @Test func typedAccessorsConvertWhatIsRepresentable() throws {
    let file = try Self.file()
    #expect(try file.int("u32") == 4_000_000_000)
    #expect(try file.int("i8") == -7)
    #expect(try file.int("i64") == Int(Int64.min))
    #expect(try file.float("f32") == 1e-5)
    #expect(try file.float("u16") == 65535)
    #expect(try file.string("str") == "héllo ☃ <|im_start|>\n")
    #expect(try file.bool("bool"))
    #expect(try file.stringArray("arr.string") == ["Ġt", "", "<|endoftext|>"])
    #expect(try file.intArray("arr.i32") == [3, -3, 3])
    #expect(try file.intArray("arr.u32") == [7, 4_000_000_000])
    #expect(try file.floatArray("arr.f32") == [0.5, -1e30, .infinity])
    #expect(try file.floatArray("arr.f64") == [0, 0.25])  // 1e-300 underflows to 0 in Float
    #expect(try file.stringArray("arr.empty") == [])
    #expect(file.metadata["arr.nested"]?.arrayValue?.count == 4)
  }

  @Test func accessorsNameTheKeyAndTheTypesWhenTheyFail() throws {
    let file = try Self.file()
    #expect(throws: GGUFError.missingKey("llama.block_count")) { try file.int("llama.block_count") }
    #expect(throws: GGUFError.wrongValueType(key: "str", expected: "an integer", found: "STRING")) {
      try file.int("str")
    }
    // UInt64.max does not fit in Int.
    #expect(throws: GGUFError.wrongValueType(key: "u64", expected: "an integer", found: "UINT64")) {
      try file.int("u64")
    }
    #expect(
      throws: GGUFError.wrongValueType(
        key: "arr.u64", expected: "an array of integers", found: "ARRAY[UINT64]")
    ) {
      try file.intArray("arr.u64")
    }
    #expect(
      throws: GGUFError.wrongValueType(
        key: "arr.i32", expected: "an array of strings", found: "ARRAY[INT32]")
    ) {
      try file.stringArray("arr.i32")
    }
    #expect(
      "\(GGUFError.wrongValueType(key: "str", expected: "an integer", found: "STRING"))"
        == "GGUF metadata \"str\" is STRING, expected an integer.")
  }

  @Test func versionTwoFilesAreRead() throws {
    var writer = GGUFTestWriter()
    writer.version = 2
    writer.metadata = [("general.architecture", .string("llama"))]
    let file = try GGUFFile(bytes: writer.bytes())
    #expect(file.version == 2)
    #expect(try file.string("general.architecture") == "llama")
  }
}
