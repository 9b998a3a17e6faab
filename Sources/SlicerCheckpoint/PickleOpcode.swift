/// The pickle opcodes `torch.save` (pickle protocol 2, also 3–5 framing) uses for a state dict.
/// Any other byte in opcode position is refused. Integer arguments are little-endian except
/// BINFLOAT's, which is a big-endian IEEE double.
enum PickleOpcode: UInt8 {
  case proto = 0x80  // u8 protocol version
  case frame = 0x95  // u64 frame length (protocol 4+; framing is ignored)
  case stop = 0x2E  // "."  the top of the stack is the result

  case mark = 0x28  // "("  push a mark for TUPLE, LIST, APPENDS, DICT, SETITEMS
  case emptyTuple = 0x29  // ")"
  case emptyList = 0x5D  // "]"
  case emptyDict = 0x7D  // "}"
  case tuple = 0x74  // "t"  items since the mark → tuple
  case tuple1 = 0x85
  case tuple2 = 0x86
  case tuple3 = 0x87
  case list = 0x6C  // "l"  items since the mark → list
  case append = 0x61  // "a"  list.append(pop)
  case appends = 0x65  // "e"  list.extend(items since the mark)
  case dict = 0x64  // "d"  key, value pairs since the mark → dict
  case setItem = 0x73  // "s"  dict[key] = value
  case setItems = 0x75  // "u"  dict.update(pairs since the mark)

  case none = 0x4E  // "N"
  case newTrue = 0x88
  case newFalse = 0x89
  case binInt = 0x4A  // "J"  i32
  case binInt1 = 0x4B  // "K"  u8
  case binInt2 = 0x4D  // "M"  u16
  case long1 = 0x8A  // u8 length n, then n bytes of two's complement
  case binFloat = 0x47  // "G"  big-endian f64
  case binUnicode = 0x58  // "X"  u32 length, UTF-8
  case shortBinUnicode = 0x8C  // u8 length, UTF-8
  case binUnicode8 = 0x8D  // u64 length, UTF-8

  case binPut = 0x71  // "q"  memo[u8] = top
  case longBinPut = 0x72  // "r"  memo[u32] = top
  case memoize = 0x94  // memo[memo.count] = top
  case binGet = 0x68  // "h"  push memo[u8]
  case longBinGet = 0x6A  // "j"  push memo[u32]

  case global = 0x63  // "c"  "module\nname\n"
  case stackGlobal = 0x93  // pop name, pop module
  case reduce = 0x52  // "R"  pop args, pop callable, push callable(*args)
  case build = 0x62  // "b"  pop state, apply it to the top object
  case binPersId = 0x51  // "Q"  pop a persistent id, push what it refers to (a storage)
}
