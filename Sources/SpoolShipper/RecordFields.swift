import WhitlockCore

/// A member of a record that is missing or of the wrong type, named by its dotted path.
struct FieldError: Error, Sendable {
  var message: String
  init(_ message: String) { self.message = message }
}

/// Typed access to the members of one JSON object of a record, with errors that name the
/// member's path (`acquisition.exposure_s is missing`).
struct Fields {
  let value: JSONValue
  let path: String

  init(_ value: JSONValue, path: String) {
    self.value = value
    self.path = path
  }

  private func name(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

  private func member(_ key: String) throws(FieldError) -> JSONValue {
    guard let member = value[key] else { throw FieldError("\(name(key)) is missing") }
    return member
  }

  private func wrongType(_ key: String, _ expected: String) -> FieldError {
    FieldError("\(name(key)) is not \(expected)")
  }

  func string(_ key: String) throws(FieldError) -> String {
    guard case .string(let text) = try member(key) else { throw wrongType(key, "a string") }
    return text
  }

  func optionalString(_ key: String) throws(FieldError) -> String? {
    switch value[key] {
    case nil, .null?: return nil
    case .string(let text)?: return text
    default: throw wrongType(key, "a string or null")
    }
  }

  func optionalBool(_ key: String) throws(FieldError) -> Bool? {
    switch value[key] {
    case nil, .null?: return nil
    case .bool(let flag)?: return flag
    default: throw wrongType(key, "true, false or null")
    }
  }

  func integer(_ key: String) throws(FieldError) -> Int64 {
    guard case .int(let number) = try member(key) else { throw wrongType(key, "an integer") }
    return number
  }

  func int32(_ key: String) throws(FieldError) -> Int32 {
    let number = try integer(key)
    guard let narrow = Int32(exactly: number) else { throw wrongType(key, "a 32-bit integer") }
    return narrow
  }

  func number(_ key: String) throws(FieldError) -> Double {
    guard let number = try member(key).doubleValue else { throw wrongType(key, "a number") }
    return number
  }

  func optionalNumber(_ key: String) throws(FieldError) -> Double? {
    switch value[key] {
    case nil, .null?: return nil
    case .int(let number)?: return Double(number)
    case .double(let number)?: return number
    default: throw wrongType(key, "a number or null")
    }
  }

  func numbers(_ key: String) throws(FieldError) -> [Double] {
    guard case .array(let items) = try member(key) else { throw wrongType(key, "an array") }
    var result: [Double] = []
    result.reserveCapacity(items.count)
    for item in items {
      guard let number = item.doubleValue else { throw wrongType(key, "an array of numbers") }
      result.append(number)
    }
    return result
  }

  /// A `YYYY-MM-DDThh:mm:ss.mmmZ` timestamp, as every record writes them.
  func timestamp(_ key: String) throws(FieldError) -> String {
    let text = try string(key)
    let bytes = Array(text.utf8)
    let layout = Array("0000-00-00T00:00:00.000Z".utf8)
    let matches =
      bytes.count == layout.count
      && zip(bytes, layout).allSatisfy { byte, expected in
        expected == UInt8(ascii: "0") ? (0x30...0x39).contains(byte) : byte == expected
      }
    guard matches else { throw wrongType(key, "a timestamp like 2026-01-31T12:00:00.000Z") }
    return text
  }

  func object(_ key: String) throws(FieldError) -> Fields {
    let member = try member(key)
    guard case .object = member else { throw wrongType(key, "an object") }
    return Fields(member, path: name(key))
  }

  func optionalObject(_ key: String) throws(FieldError) -> Fields? {
    switch value[key] {
    case nil, .null?: return nil
    case .object?: return Fields(value[key]!, path: name(key))
    default: throw wrongType(key, "an object or null")
    }
  }

  /// An object member written back as compact JSON text, for a `jsonb` column.
  func json(_ key: String, writer: inout JSONWriter) throws(FieldError) -> String {
    let member = try member(key)
    guard case .object = member else { throw wrongType(key, "an object") }
    writer.reset()
    writer.value(member)
    return String(decoding: writer.bytes, as: UTF8.self)
  }
}
