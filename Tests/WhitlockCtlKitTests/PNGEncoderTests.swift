import Testing
import WhitlockCtlKit

/// The PNG writer's pieces from known byte tables: CRC-32 and Adler-32 check values, zlib
/// streams compared with zlib's own fixed-Huffman output (`compressobj(9, DEFLATED, 15, 9,
/// Z_FIXED)`) or, where the back-references differ, bytes that `zlib.decompress` turns back
/// into the input, and the chunks of a small image. Decoding whole images is checked with Pillow in
/// `MapImageCommandTests`.
@Suite struct PNGEncoderTests {
  @Test func checksumsMatchTheirStandardCheckValues() {
    #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    #expect(CRC32.checksum(Array("IEND".utf8)) == 0xAE42_6082)
    #expect(Adler32.checksum(Array("Wikipedia".utf8)) == 0x11E6_0398)
    #expect(Adler32.checksum([]) == 1)
    // Past the 5552-byte reduction interval.
    let long = [UInt8](repeating: 0xFF, count: 100_000)
    var a: UInt32 = 1
    var b: UInt32 = 0
    for byte in long {
      a = (a + UInt32(byte)) % 65521
      b = (b + a) % 65521
    }
    #expect(Adler32.checksum(long) == (b << 16) | a)
  }

  @Test func zlibStreamsAreThoseZlibWritesWithFixedCodes() {
    #expect(
      Deflate.zlib(Array("abc".utf8)) == [
        0x78, 0x01, 0x4B, 0x4C, 0x4A, 0x06, 0x00, 0x02, 0x4D, 0x01, 0x27,
      ])
    // A run: one literal, then a back-reference of length 9 at distance 1 (zlib writes two
    // literals and a length 8; both decompress to the input).
    #expect(
      Deflate.zlib(Array("aaaaaaaaaa".utf8))
        == [0x78, 0x01, 0x4B, 0x84, 0x03, 0x00, 0x14, 0xE1, 0x03, 0xCB])
    #expect(Deflate.zlib([]) == [0x78, 0x01, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])
  }

  @Test func aPNGHasItsSignatureHeaderTextDataAndEnd() {
    var image = RGBImage(width: 3, height: 2, colour: RGB(255, 255, 255))
    image.set(1, 1, RGB(1, 2, 3))
    #expect(image.pixel(1, 1) == RGB(1, 2, 3))
    let bytes = PNGEncoder.encode(image, text: [("Title", "map")])
    #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    // IHDR: length 13, type, width 3, height 2, depth 8, colour type 2 (RGB), 0, 0, 0, CRC.
    let header = Array(bytes[8..<33])
    #expect(
      Array(header.prefix(25 - 4)) == [
        0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 3, 0, 0, 0, 2, 8, 2, 0, 0, 0,
      ])
    #expect(
      Array(header.suffix(4))
        == withCRC(Array(header[4..<21])))
    let text = Array(bytes[33..<(33 + 12 + 9)])
    #expect(Array(text.prefix(8)) == [0, 0, 0, 9, 0x74, 0x45, 0x58, 0x74])
    #expect(Array(text[8..<17]) == Array("Title\u{0}map".utf8))
    #expect(
      Array(bytes.suffix(12)) == [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82])
  }

  private func withCRC(_ typed: [UInt8]) -> [UInt8] {
    let crc = CRC32.checksum(typed)
    return [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: crc >> $0) }
  }
}
