import WhitlockCore

/// Reads the members of one JSON object with the path to each, so that every failure names the
/// member that is missing or mistyped. Decoding support for the record models.
struct MemberReader {
  let value: JSONValue
  let path: String
  let location: RecordLocation
  let seq: UInt64?

  func child(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

  func failure(_ key: String, _ problem: String) -> RecordDecodingError {
    RecordDecodingError(location: location, seq: seq, member: child(key), problem: problem)
  }

  func raw(_ key: String) -> JSONValue? {
    guard let member = value[key], member != .null else { return nil }
    return member
  }

  func object(_ key: String) throws(RecordDecodingError) -> MemberReader {
    guard let member = raw(key) else { throw failure(key, "missing") }
    guard case .object = member else { throw failure(key, "expected an object") }
    return MemberReader(value: member, path: child(key), location: location, seq: seq)
  }

  func optionalObject(_ key: String) throws(RecordDecodingError) -> MemberReader? {
    guard raw(key) != nil else { return nil }
    return try object(key)
  }

  func string(_ key: String) throws(RecordDecodingError) -> String {
    guard let member = raw(key) else { throw failure(key, "missing") }
    guard case .string(let text) = member else { throw failure(key, "expected a string") }
    return text
  }

  func optionalString(_ key: String) throws(RecordDecodingError) -> String? {
    guard raw(key) != nil else { return nil }
    return try string(key)
  }

  func integer(_ key: String) throws(RecordDecodingError) -> Int64 {
    guard let member = raw(key) else { throw failure(key, "missing") }
    guard case .int(let number) = member else { throw failure(key, "expected an integer") }
    return number
  }

  func optionalInteger(_ key: String) throws(RecordDecodingError) -> Int64? {
    guard raw(key) != nil else { return nil }
    return try integer(key)
  }

  func unsigned(_ key: String) throws(RecordDecodingError) -> UInt64 {
    let number = try integer(key)
    guard number >= 0 else { throw failure(key, "expected a non-negative integer") }
    return UInt64(number)
  }

  func number(_ key: String) throws(RecordDecodingError) -> Double {
    guard let member = raw(key) else { throw failure(key, "missing") }
    guard let number = member.doubleValue else { throw failure(key, "expected a number") }
    return number
  }

  /// A number that may be `null` (a quantity not determined): `nil` then.
  func optionalNumber(_ key: String) throws(RecordDecodingError) -> Double? {
    guard raw(key) != nil else { return nil }
    return try number(key)
  }

  func boolean(_ key: String) throws(RecordDecodingError) -> Bool {
    guard let member = raw(key) else { throw failure(key, "missing") }
    guard case .bool(let flag) = member else { throw failure(key, "expected true or false") }
    return flag
  }

  func optionalBoolean(_ key: String) throws(RecordDecodingError) -> Bool? {
    guard raw(key) != nil else { return nil }
    return try boolean(key)
  }

  func array(_ key: String) throws(RecordDecodingError) -> [JSONValue] {
    guard let member = raw(key) else { throw failure(key, "missing") }
    guard case .array(let items) = member else { throw failure(key, "expected an array") }
    return items
  }

  func strings(_ key: String) throws(RecordDecodingError) -> [String] {
    guard raw(key) != nil else { return [] }
    var result: [String] = []
    for item in try array(key) {
      guard case .string(let text) = item else { throw failure(key, "expected strings") }
      result.append(text)
    }
    return result
  }
}
