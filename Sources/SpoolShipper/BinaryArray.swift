import NIOCore
import PostgresNIO

/// A one-dimensional PostgreSQL array in the binary wire format, built element by element, NULL
/// elements allowed: one bound parameter carries a whole column of a segment, which
/// `INSERT … SELECT … FROM unnest(…)` turns back into rows.
///
/// Binary parameters cost the server a copy (`bytea`, numbers) or one parse (`jsonb`) per value
/// instead of a scan of the whole row for delimiters and escapes, as text `COPY` needs.
///
/// The format (big-endian): dimensions (`Int32`, 1, or 0 for an empty array), has-NULLs flag
/// (`Int32`), element type OID (`UInt32`); then, when not empty, the length (`Int32`) and lower
/// bound (`Int32`, 1); then each element as its byte length (`Int32`, −1 for NULL) and its bytes.
struct BinaryArray: PostgresDynamicTypeEncodable, Sendable {
  /// The element types the shipper sends.
  enum Element: Sendable {
    case int4, int8, float8, bool, text, json, jsonb, bytea

    var elementType: PostgresDataType {
      switch self {
      case .int4: .int4
      case .int8: .int8
      case .float8: .float8
      case .bool: .bool
      case .text: .text
      case .json: .json
      case .jsonb: .jsonb
      case .bytea: .bytea
      }
    }

    /// The array type's SQL name, for the cast of its parameter.
    var arraySQLName: String {
      switch self {
      case .int4: "integer[]"
      case .int8: "bigint[]"
      case .float8: "double precision[]"
      case .bool: "boolean[]"
      case .text: "text[]"
      case .json: "json[]"
      case .jsonb: "jsonb[]"
      case .bytea: "bytea[]"
      }
    }

    var arrayType: PostgresDataType {
      switch self {
      case .int4: .int4Array
      case .int8: .int8Array
      case .float8: .float8Array
      case .bool: .boolArray
      case .text: .textArray
      case .json: .jsonArray
      case .jsonb: .jsonbArray
      case .bytea: .byteaArray
      }
    }
  }

  let element: Element
  /// Number of elements so far.
  private(set) var count = 0
  private var hasNull = false
  private var elements = ByteBuffer()

  init(of element: Element, reservingCapacity bytes: Int = 0) {
    self.element = element
    elements.reserveCapacity(bytes)
  }

  var psqlType: PostgresDataType { element.arrayType }
  var psqlFormat: PostgresFormat { .binary }

  /// A NULL element.
  mutating func appendNull() {
    elements.writeInteger(Int32(-1))
    hasNull = true
    count += 1
  }

  /// An `int4` or `int8` element (by `element`), or NULL.
  mutating func append<Integer: BinaryInteger>(_ value: Integer?) {
    guard let value else { return appendNull() }
    switch element {
    case .int4:
      elements.writeInteger(Int32(4))
      elements.writeInteger(Int32(truncatingIfNeeded: value))
    default:
      precondition(element == .int8, "an integer goes into an int4 or int8 array")
      elements.writeInteger(Int32(8))
      elements.writeInteger(Int64(truncatingIfNeeded: value))
    }
    count += 1
  }

  /// A `float8` element (IEEE 754 bits), or NULL.
  mutating func append(_ value: Double?) {
    precondition(element == .float8, "a Double goes into a float8 array")
    guard let value else { return appendNull() }
    elements.writeInteger(Int32(8))
    elements.writeInteger(value.bitPattern)
    count += 1
  }

  /// A `bool` element, or NULL.
  mutating func append(_ value: Bool?) {
    precondition(element == .bool, "a Bool goes into a bool array")
    guard let value else { return appendNull() }
    elements.writeInteger(Int32(1))
    elements.writeInteger(UInt8(value ? 1 : 0))
    count += 1
  }

  /// A `text` or `json` element (UTF-8) or a `jsonb` element (version 1, then the JSON text),
  /// or NULL.
  mutating func append(_ text: String?) {
    guard var text else { return appendNull() }
    text.withUTF8 { appendText($0) }
  }

  /// Like `append(_: String?)`, from the UTF-8 bytes; the server checks the encoding.
  mutating func appendText<Bytes: Collection<UInt8>>(_ utf8: Bytes) {
    switch element {
    case .text, .json:
      elements.writeInteger(Int32(utf8.count))
    default:
      precondition(element == .jsonb, "text goes into a text, json or jsonb array")
      elements.writeInteger(Int32(utf8.count + 1))
      elements.writeInteger(UInt8(1))
    }
    elements.writeBytes(utf8)
    count += 1
  }

  /// A `bytea` element holding a spectrum's raw counts, little-endian: 2 bytes each (unsigned)
  /// when every count fits in 16 bits, as a 16-bit detector's always do, else 4 bytes each.
  /// The width is the element's length divided by the number of counts.
  mutating func appendCounts(_ values: [Int32]) {
    precondition(element == .bytea, "raw counts go into a bytea array")
    if values.allSatisfy({ 0 <= $0 && $0 <= Int32(UInt16.max) }) {
      elements.writeInteger(Int32(values.count * 2))
      elements.writeWithUnsafeMutableBytes(minimumWritableBytes: values.count * 2) { buffer in
        for (index, value) in values.enumerated() {
          buffer.storeBytes(
            of: UInt16(truncatingIfNeeded: value).littleEndian, toByteOffset: index * 2,
            as: UInt16.self)
        }
        return values.count * 2
      }
    } else {
      elements.writeInteger(Int32(values.count * 4))
      #if _endian(little)
        _ = values.withUnsafeBytes { elements.writeBytes($0) }
      #else
        for value in values { elements.writeInteger(value, endianness: .little) }
      #endif
    }
    count += 1
  }

  /// A `bytea` element.
  mutating func appendBytes<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
    precondition(element == .bytea, "bytes go into a bytea array")
    elements.writeInteger(Int32(bytes.count))
    elements.writeBytes(bytes)
    count += 1
  }

  func encode<JSONEncoder: PostgresJSONEncoder>(
    into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
  ) {
    buffer.writeInteger(Int32(count == 0 ? 0 : 1))
    buffer.writeInteger(Int32(hasNull ? 1 : 0))
    buffer.writeInteger(element.elementType.rawValue)
    guard count > 0 else { return }
    buffer.writeInteger(Int32(count))
    buffer.writeInteger(Int32(1))
    buffer.writeImmutableBuffer(elements)
  }
}
