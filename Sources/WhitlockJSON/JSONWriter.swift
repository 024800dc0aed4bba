/// Appends compact JSON to a reusable byte buffer.
///
/// Spool records are written through this instead of `JSONEncoder` because a 2048-pixel record is
/// mostly integers: writing them digit by digit into a buffer that keeps its capacity costs no
/// allocation per sample.
public struct JSONWriter: Sendable {
  /// The bytes written so far.
  public private(set) var bytes: [UInt8]

  public init(reservingCapacity capacity: Int = 64 * 1024) {
    bytes = []
    bytes.reserveCapacity(capacity)
  }

  /// Empties the buffer, keeping its capacity.
  public mutating func reset() { bytes.removeAll(keepingCapacity: true) }

  public mutating func raw(_ byte: UInt8) { bytes.append(byte) }

  public mutating func raw(_ text: StaticString) {
    text.withUTF8Buffer { bytes.append(contentsOf: $0) }
  }

  /// Writes `"key":`; the caller writes separators.
  public mutating func key(_ name: StaticString) {
    bytes.append(UInt8(ascii: "\""))
    name.withUTF8Buffer { bytes.append(contentsOf: $0) }
    bytes.append(UInt8(ascii: "\""))
    bytes.append(UInt8(ascii: ":"))
  }

  /// Writes a JSON string with the escapes RFC 8259 requires. Runs of bytes that need no escape
  /// (nearly all of them) are copied whole rather than byte by byte.
  public mutating func string(_ value: String) {
    bytes.append(UInt8(ascii: "\""))
    var value = value
    value.withUTF8 { utf8 in
      var start = 0
      for index in 0..<utf8.count {
        let byte = utf8[index]
        guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else {
          continue
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
        escape(byte)
        start = index + 1
      }
      bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
    }
    bytes.append(UInt8(ascii: "\""))
  }

  /// Writes the escape of one byte that may not appear in a JSON string as itself.
  private mutating func escape(_ byte: UInt8) {
    switch byte {
    case UInt8(ascii: "\""): raw("\\\"")
    case UInt8(ascii: "\\"): raw("\\\\")
    case 0x0A: raw("\\n")
    case 0x0D: raw("\\r")
    case 0x09: raw("\\t")
    default:
      raw("\\u00")
      bytes.append(Self.hexDigit(byte >> 4))
      bytes.append(Self.hexDigit(byte & 0x0F))
    }
  }

  public mutating func bool(_ value: Bool) { value ? raw("true") : raw("false") }

  public mutating func null() { raw("null") }

  /// Writes an unsigned integer without allocating.
  public mutating func integer(_ value: UInt64) {
    if value < 10 {
      bytes.append(UInt8(ascii: "0") &+ UInt8(value))
      return
    }
    var digits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // 32 bytes of scratch
    withUnsafeMutableBytes(of: &digits) { scratch in
      var index = scratch.count
      var remaining = value
      while remaining > 0 {
        index -= 1
        scratch[index] = UInt8(ascii: "0") &+ UInt8(remaining % 10)
        remaining /= 10
      }
      bytes.append(contentsOf: scratch[index...])
    }
  }

  public mutating func integer(_ value: Int64) {
    if value < 0 {
      bytes.append(UInt8(ascii: "-"))
      integer(value.magnitude)
    } else {
      integer(UInt64(value))
    }
  }

  /// Writes a double in its shortest round-tripping form, or `null` when it is not finite.
  public mutating func number(_ value: Double) {
    guard value.isFinite else { return null() }
    if value == value.rounded(), abs(value) < 1e15 {
      integer(Int64(value))
    } else {
      bytes.append(contentsOf: value.description.utf8)
    }
  }

  /// Writes an array of counts, the bulk of every record.
  public mutating func counts(_ values: [UInt32]) {
    bytes.append(UInt8(ascii: "["))
    var first = true
    for value in values {
      if !first { bytes.append(UInt8(ascii: ",")) }
      first = false
      integer(UInt64(value))
    }
    bytes.append(UInt8(ascii: "]"))
  }

  /// Writes any `JSONValue`.
  public mutating func value(_ value: JSONValue) {
    switch value {
    case .null: null()
    case .bool(let flag): bool(flag)
    case .int(let number): integer(number)
    case .double(let number): self.number(number)
    case .string(let text): string(text)
    case .array(let items):
      bytes.append(UInt8(ascii: "["))
      for (index, item) in items.enumerated() {
        if index > 0 { bytes.append(UInt8(ascii: ",")) }
        self.value(item)
      }
      bytes.append(UInt8(ascii: "]"))
    case .object(let members):
      object(members)
    }
  }

  /// Writes an object from ordered members.
  public mutating func object(_ members: [(String, JSONValue)]) {
    bytes.append(UInt8(ascii: "{"))
    for (index, member) in members.enumerated() {
      if index > 0 { bytes.append(UInt8(ascii: ",")) }
      string(member.0)
      bytes.append(UInt8(ascii: ":"))
      value(member.1)
    }
    bytes.append(UInt8(ascii: "}"))
  }

  private static func hexDigit(_ nibble: UInt8) -> UInt8 {
    nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
  }
}
