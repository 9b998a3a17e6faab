import Testing

@testable import SlicerCodec

@Suite struct BitIOTests {
  @Test func writerPacksMostSignificantBitFirst() {
    var w = BitWriter()
    w.write(0b101, count: 3)
    w.write(0b11111, count: 5)
    w.write(true)
    w.write(0x3FF, count: 10)
    #expect(w.bitCount == 19)
    #expect(w.finish() == [0b1011_1111, 0b1111_1111, 0b1110_0000])
  }

  @Test func writerCrossesWordBoundariesAndRepeats() {
    var w = BitWriter(reservingBytes: 1)
    w.write(0xDEAD_BEEF, count: 32)
    w.write(repeating: true, count: 37)
    w.write(repeating: false, count: 3)
    w.write(0b1, count: 1)
    #expect(w.finish() == [0xDE, 0xAD, 0xBE, 0xEF, 0xFF, 0xFF, 0xFF, 0xFF, 0xF8, 0x80])
  }

  @Test func writerGrowsPastItsInitialCapacity() {
    var w = BitWriter(reservingBytes: 1)
    for i in 0..<1000 { w.write(UInt64(i & 0xFF), count: 8) }
    #expect(w.finish() == (0..<1000).map { UInt8($0 & 0xFF) })
  }

  @Test func readerReadsInTheSameOrderAndZeroFillsPastTheEnd() {
    var r = BitReader([0b1011_1111, 0b1111_1111, 0b1110_0000])
    let fields = [r.read(count: 3), r.read(count: 5), r.readBit() ? 1 : 0, r.read(count: 10)]
    #expect(fields == [0b101, 0b11111, 1, 0x3FF])
    #expect(r.remainingBitsAreZero())
    let past = r.read(count: 40)
    #expect(past == 0)
    #expect(r.position == 59)
  }

  @Test func readerSeesNonzeroPadding() {
    #expect(!BitReader([0xFF, 0x01], startingAt: 9).remainingBitsAreZero())
    #expect(BitReader([0xFF, 0x80], startingAt: 9).remainingBitsAreZero())
  }

  @Test func wideReadsAgreeWithBitByBitReadsAtEveryOffset() {
    let bytes: [UInt8] = (0..<24).map { UInt8(($0 * 37 + 11) & 0xFF) }
    var fast = BitReader(bytes)
    var slow = BitReader(bytes)
    var width = 1
    while fast.position + width <= 8 * bytes.count + 16 {  // also past the end
      var expected: UInt64 = 0
      for _ in 0..<width { expected = (expected << 1) | (slow.readBit() ? 1 : 0) }
      let value = fast.read(count: width)
      #expect(value == expected)
      width = width % 56 + 5
    }
  }
}
