import Testing
import WhitlockCore

/// The one little-endian reader and writer every codec uses, from byte tables.
@Suite struct LittleEndianTests {
  @Test func packsLeastSignificantByteFirst() {
    #expect(LittleEndian.bytes(UInt16(0x1234)) == [0x34, 0x12])
    #expect(LittleEndian.bytes(UInt32(0xDEAD_BEEF)) == [0xEF, 0xBE, 0xAD, 0xDE])
    #expect(LittleEndian.bytes(Int16(-2)) == [0xFE, 0xFF])
    var bytes: [UInt8] = [0xAA]
    LittleEndian.append(UInt64(1), to: &bytes)
    #expect(bytes == [0xAA, 1, 0, 0, 0, 0, 0, 0, 0])
  }

  @Test func readsAtAnOffsetOfAnySlice() {
    let bytes: [UInt8] = [0xFF, 0x78, 0x56, 0x34, 0x12, 0x00]
    #expect(LittleEndian.read(UInt32.self, from: bytes, at: 1) == 0x1234_5678)
    #expect(LittleEndian.read(UInt16.self, from: bytes[1...], at: 0) == 0x5678)
    #expect(LittleEndian.read(Int8.self, from: bytes, at: 0) == -1)
  }

  @Test func paddedReadsTakeMissingBytesAsZero() {
    #expect(LittleEndian.readPadded(UInt32.self, from: [0x01, 0x02], at: 0) == 0x0201)
    #expect(LittleEndian.readPadded(UInt16.self, from: [0x01], at: 4) == 0)
  }
}
