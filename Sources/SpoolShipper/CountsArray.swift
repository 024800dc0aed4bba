import NIOCore
import PostgresNIO

/// Raw counts as a PostgreSQL `integer[]` parameter in binary form, written in one pass.
///
/// postgres-nio's generic array encoding writes each element through `ByteBuffer` on its own;
/// for 2048-pixel spectra at thousands of records per second that dominated the shipper's CPU
/// time, so the array (header, then a 4-byte length and big-endian value per element) is
/// assembled in a plain byte buffer and copied once.
struct CountsArray: PostgresNonThrowingEncodable {
  static var psqlType: PostgresDataType { .int4Array }
  static var psqlFormat: PostgresFormat { .binary }

  let counts: [Int32]

  init(_ counts: [Int32]) { self.counts = counts }

  func encode<JSONEncoder: PostgresJSONEncoder>(
    into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
  ) {
    let headerBytes = counts.isEmpty ? 12 : 20
    var bytes = [UInt8](repeating: 0, count: headerBytes + counts.count * 8)
    bytes.withUnsafeMutableBytes { raw in
      func put(_ value: Int32, at offset: Int) {
        raw.storeBytes(of: value.bigEndian, toByteOffset: offset, as: Int32.self)
      }
      put(counts.isEmpty ? 0 : 1, at: 0)  // dimensions
      put(0, at: 4)  // no nulls
      put(Int32(bitPattern: PostgresDataType.int4.rawValue), at: 8)  // element type
      guard !counts.isEmpty else { return }
      put(Int32(counts.count), at: 12)  // length of the dimension
      put(1, at: 16)  // lower bound
      var offset = 20
      for value in counts {
        put(4, at: offset)
        put(value, at: offset + 4)
        offset += 8
      }
    }
    buffer.writeBytes(bytes)
  }
}
