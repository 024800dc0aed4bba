import NIOCore
import PostgresNIO
import Testing

@testable import SpoolShipper

/// The binary array codec, byte for byte against PostgreSQL's `array_recv` format.
@Suite("Binary array parameters")
struct BinaryArrayTests {
  static func bytes(_ array: BinaryArray) -> [UInt8] {
    var buffer = ByteBuffer()
    array.encode(into: &buffer, context: .default)
    return Array(buffer.readableBytesView)
  }

  @Test("int8 elements with a NULL: header, dimension, then length-prefixed values")
  func integers() {
    var array = BinaryArray(of: .int8)
    array.append(Int64(1))
    array.append(Int64?.none)
    array.append(Int64(-2))
    #expect(array.psqlType == .int8Array)
    #expect(
      Self.bytes(array) == [
        0, 0, 0, 1,  // one dimension
        0, 0, 0, 1,  // has NULLs
        0, 0, 0, 20,  // element type int8
        0, 0, 0, 3,  // three elements
        0, 0, 0, 1,  // lower bound 1
        0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1,
        0xFF, 0xFF, 0xFF, 0xFF,  // NULL
        0, 0, 0, 8, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE,
      ])
  }

  @Test("an empty array has no dimensions")
  func empty() {
    #expect(Self.bytes(BinaryArray(of: .text)) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 25])
  }

  @Test("int4, float8 and bool elements")
  func scalars() {
    var int4 = BinaryArray(of: .int4)
    int4.append(Int32(258))
    #expect(Self.bytes(int4).suffix(8) == [0, 0, 0, 4, 0, 0, 1, 2])
    var float8 = BinaryArray(of: .float8)
    float8.append(1.5)
    #expect(Self.bytes(float8).suffix(12) == [0, 0, 0, 8, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0])
    var bool = BinaryArray(of: .bool)
    bool.append(true)
    bool.append(false)
    #expect(Self.bytes(bool).suffix(10) == [0, 0, 0, 1, 1, 0, 0, 0, 1, 0])
  }

  @Test("text and json are their UTF-8; jsonb is version 1 and then the text")
  func text() {
    var text = BinaryArray(of: .text)
    text.append("é")
    #expect(Self.bytes(text).suffix(6) == [0, 0, 0, 2, 0xC3, 0xA9])
    var json = BinaryArray(of: .jsonb)
    json.append("{}")
    #expect(json.psqlType == .jsonbArray)
    #expect(Self.bytes(json).suffix(7) == [0, 0, 0, 3, 1, 0x7B, 0x7D])
    var plain = BinaryArray(of: .json)
    plain.append("[]")
    plain.append(String?.none)
    #expect(plain.psqlType == .jsonArray)
    // Element type OID 114 (json) in the header; then "[]" and a NULL.
    #expect(Self.bytes(plain)[8..<12] == [0, 0, 0, 114])
    #expect(Self.bytes(plain).suffix(10) == [0, 0, 0, 2, 0x5B, 0x5D, 0xFF, 0xFF, 0xFF, 0xFF])
  }

  @Test("counts are 2 bytes little-endian when they fit in 16 bits, else 4")
  func counts() {
    var narrow = BinaryArray(of: .bytea)
    narrow.appendCounts([1, 0x1234, 65535])
    #expect(Self.bytes(narrow).suffix(10) == [0, 0, 0, 6, 1, 0, 0x34, 0x12, 0xFF, 0xFF])
    var wide = BinaryArray(of: .bytea)
    wide.appendCounts([1, 65536])
    #expect(Self.bytes(wide).suffix(12) == [0, 0, 0, 8, 1, 0, 0, 0, 0, 0, 1, 0])
  }
}
