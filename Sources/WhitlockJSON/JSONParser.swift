/// Parses one JSON text into a `JSONValue`, keeping object member order.
///
/// Used to verify spool segments and recover torn ones, where a precise error position matters more
/// than raw speed. Nesting is limited so hostile input cannot exhaust the stack.
public struct JSONParser {
  /// Why a text is not JSON, with the byte offset where parsing stopped.
  public struct Failure: Error, Sendable, CustomStringConvertible, Equatable {
    public var offset: Int
    public var reason: String
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
  }

  /// The deepest nesting of arrays and objects accepted.
  public static let maximumDepth = 128

  /// Parses `bytes` as exactly one JSON value (surrounding white space allowed).
  public static func parse<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws(Failure) -> JSONValue {
    let array = Array(bytes)
    var parser = JSONParser(bytes: array)
    parser.skipWhitespace()
    let value = try parser.parseValue(depth: 0)
    parser.skipWhitespace()
    guard parser.position == array.count else { throw parser.failure("trailing characters") }
    return value
  }

  /// Parses a UTF-8 string as exactly one JSON value.
  public static func parse(_ text: String) throws(Failure) -> JSONValue {
    try parse(Array(text.utf8))
  }

  private let bytes: [UInt8]
  private var position = 0

  private init(bytes: [UInt8]) { self.bytes = bytes }

  private func failure(_ reason: String) -> Failure { Failure(offset: position, reason: reason) }

  private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

  private mutating func skipWhitespace() {
    while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
      position += 1
    }
  }

  private mutating func expect(_ literal: StaticString, value: JSONValue) throws(Failure)
    -> JSONValue
  {
    let ok = literal.withUTF8Buffer { expected -> Bool in
      guard position + expected.count <= bytes.count else { return false }
      for index in 0..<expected.count where bytes[position + index] != expected[index] {
        return false
      }
      return true
    }
    guard ok else { throw failure("unexpected token") }
    position += literal.utf8CodeUnitCount
    return value
  }

  private mutating func parseValue(depth: Int) throws(Failure) -> JSONValue {
    guard depth < Self.maximumDepth else {
      throw failure("nesting deeper than \(Self.maximumDepth)")
    }
    guard let byte = current else { throw failure("unexpected end of input") }
    switch byte {
    case UInt8(ascii: "{"): return try parseObject(depth: depth)
    case UInt8(ascii: "["): return try parseArray(depth: depth)
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"): return try expect("true", value: .bool(true))
    case UInt8(ascii: "f"): return try expect("false", value: .bool(false))
    case UInt8(ascii: "n"): return try expect("null", value: .null)
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
    default: throw failure("unexpected character")
    }
  }

  private mutating func parseObject(depth: Int) throws(Failure) -> JSONValue {
    position += 1
    var members: [(String, JSONValue)] = []
    skipWhitespace()
    if current == UInt8(ascii: "}") {
      position += 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard current == UInt8(ascii: "\"") else { throw failure("expected a member name") }
      let key = try parseString()
      skipWhitespace()
      guard current == UInt8(ascii: ":") else { throw failure("expected ':'") }
      position += 1
      skipWhitespace()
      members.append((key, try parseValue(depth: depth + 1)))
      skipWhitespace()
      switch current {
      case UInt8(ascii: ","): position += 1
      case UInt8(ascii: "}"):
        position += 1
        return .object(members)
      default: throw failure("expected ',' or '}'")
      }
    }
  }

  private mutating func parseArray(depth: Int) throws(Failure) -> JSONValue {
    position += 1
    var items: [JSONValue] = []
    skipWhitespace()
    if current == UInt8(ascii: "]") {
      position += 1
      return .array(items)
    }
    while true {
      skipWhitespace()
      items.append(try parseValue(depth: depth + 1))
      skipWhitespace()
      switch current {
      case UInt8(ascii: ","): position += 1
      case UInt8(ascii: "]"):
        position += 1
        return .array(items)
      default: throw failure("expected ',' or ']'")
      }
    }
  }

  private mutating func parseHex4() throws(Failure) -> UInt32 {
    guard position + 4 <= bytes.count else { throw failure("truncated \\u escape") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[position]
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw failure("bad hex digit in \\u escape")
      }
      value = value << 4 | UInt32(digit)
      position += 1
    }
    return value
  }

  private mutating func parseString() throws(Failure) -> String {
    position += 1
    // Most strings have no escape: found whole and made from their bytes in one step (ASCII,
    // nearly all of them, needs no validation).
    var end = position
    var ascii = true
    while end < bytes.count, bytes[end] >= 0x20, bytes[end] != UInt8(ascii: "\\") {
      if bytes[end] == UInt8(ascii: "\"") {
        let start = position
        let text = bytes.withUnsafeBufferPointer {
          let run = UnsafeBufferPointer(rebasing: $0[start..<end])
          return ascii
            ? String(decoding: run, as: UTF8.self) : String(validating: run, as: UTF8.self)
        }
        position = end + 1
        guard let text else { throw failure("string is not valid UTF-8") }
        return text
      }
      if bytes[end] >= 0x80 { ascii = false }
      end += 1
    }
    var scalars: [UInt8] = []
    while true {
      guard let byte = current else { throw failure("unterminated string") }
      position += 1
      switch byte {
      case UInt8(ascii: "\""):
        guard let text = String(validating: scalars, as: UTF8.self) else {
          throw failure("string is not valid UTF-8")
        }
        return text
      case UInt8(ascii: "\\"):
        guard let escape = current else { throw failure("unterminated escape") }
        position += 1
        switch escape {
        case UInt8(ascii: "\""): scalars.append(0x22)
        case UInt8(ascii: "\\"): scalars.append(0x5C)
        case UInt8(ascii: "/"): scalars.append(0x2F)
        case UInt8(ascii: "b"): scalars.append(0x08)
        case UInt8(ascii: "f"): scalars.append(0x0C)
        case UInt8(ascii: "n"): scalars.append(0x0A)
        case UInt8(ascii: "r"): scalars.append(0x0D)
        case UInt8(ascii: "t"): scalars.append(0x09)
        case UInt8(ascii: "u"):
          var code = try parseHex4()
          if (0xD800..<0xDC00).contains(code) {
            guard current == UInt8(ascii: "\\"), position + 1 < bytes.count,
              bytes[position + 1] == UInt8(ascii: "u")
            else { throw failure("unpaired surrogate") }
            position += 2
            let low = try parseHex4()
            guard (0xDC00..<0xE000).contains(low) else { throw failure("unpaired surrogate") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          } else if (0xDC00..<0xE000).contains(code) {
            throw failure("unpaired surrogate")
          }
          guard let scalar = Unicode.Scalar(code) else { throw failure("invalid code point") }
          scalars.append(contentsOf: String(Character(scalar)).utf8)
        default: throw failure("unknown escape")
        }
      case 0..<0x20:
        throw failure("control character in string")
      default:
        scalars.append(byte)
      }
    }
  }

  private mutating func parseNumber() throws(Failure) -> JSONValue {
    let start = position
    // Fast path for plain integers, the bulk of every spectrum record.
    var magnitude: UInt64 = 0
    var digits = 0
    var cursor = position
    let negative = bytes[cursor] == UInt8(ascii: "-")
    if negative { cursor += 1 }
    while cursor < bytes.count, digits < 18,
      (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[cursor])
    {
      magnitude = magnitude * 10 + UInt64(bytes[cursor] - UInt8(ascii: "0"))
      digits += 1
      cursor += 1
    }
    let terminated =
      cursor == bytes.count
      || !(bytes[cursor] == UInt8(ascii: ".") || bytes[cursor] == UInt8(ascii: "e")
        || bytes[cursor] == UInt8(ascii: "E")
        || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[cursor]))
    let leadingZero = digits > 1 && bytes[cursor - digits] == UInt8(ascii: "0")
    if digits > 0, terminated, !leadingZero {
      position = cursor
      return .int(negative ? -Int64(magnitude) : Int64(magnitude))
    }
    var isInteger = true
    if current == UInt8(ascii: "-") { position += 1 }
    guard let first = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
      throw failure("expected a digit")
    }
    if first == UInt8(ascii: "0") {
      position += 1
    } else {
      while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
        position += 1
      }
    }
    if current == UInt8(ascii: ".") {
      isInteger = false
      position += 1
      guard let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else {
        throw failure("expected a digit after '.'")
      }
      while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
        position += 1
      }
    }
    if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
      isInteger = false
      position += 1
      if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
      guard let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else {
        throw failure("expected a digit in exponent")
      }
      while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
        position += 1
      }
    }
    let text = String(decoding: bytes[start..<position], as: UTF8.self)
    if isInteger, let value = Int64(text) { return .int(value) }
    guard let value = Double(text), value.isFinite else { throw failure("number out of range") }
    return .double(value)
  }
}
