import WhitlockCore

/// A JSON object of a record line whose members have been located (`JSONMemberScanner`) but not
/// parsed: members are parsed, passed on as text, or read as counts only when asked for.
struct ScannedObject {
  let bytes: ArraySlice<UInt8>
  let members: [JSONMemberScanner.Member]
  let path: String

  init(_ bytes: ArraySlice<UInt8>, _ members: [JSONMemberScanner.Member], path: String = "") {
    self.bytes = bytes
    self.members = members
    self.path = path
  }

  /// The object's own text.
  var text: String { String(decoding: bytes, as: UTF8.self) }

  private func name(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

  private func value(_ key: String) -> ArraySlice<UInt8>? {
    members.first { $0.key == key }.map { bytes[$0.value] }
  }

  /// `Fields` over the members named in `keys`, each parsed in full; the others are left out.
  func fields(parsing keys: Set<String>, path: String) throws(FieldError) -> Fields {
    var parsed: [(String, JSONValue)] = []
    for member in members where keys.contains(member.key) {
      do { parsed.append((member.key, try JSONParser.parse(bytes[member.value]))) } catch {
        throw FieldError("\(name(member.key)): \(error)")
      }
    }
    return Fields(.object(parsed), path: path)
  }

  /// A member that must be an object, scanned in turn.
  func object(_ key: String) throws(FieldError) -> ScannedObject {
    guard let slice = value(key) else { throw FieldError("\(name(key)) is missing") }
    guard let inner = JSONMemberScanner.members(slice) else {
      throw FieldError("\(name(key)) is not an object")
    }
    return ScannedObject(slice, inner, path: name(key))
  }

  /// The object cut into what is stored apart: the value of the member `key` as text (how the
  /// detector's parameters, the same in every record, are split off `detection` to be stored
  /// once), the members named in `moved` as an object of their own (`nil` when there are none),
  /// and the object of every other member. Members keep their text; whitespace between them
  /// does not.
  func split(off key: String, moving moved: Set<String>) -> (
    rest: String, member: String?, moved: String?
  ) {
    var rest: [UInt8] = [UInt8(ascii: "{")]
    rest.reserveCapacity(bytes.count)
    var taken: [UInt8] = [UInt8(ascii: "{")]
    var member: String?
    for item in members {
      if item.key == key {
        member = String(decoding: bytes[item.value], as: UTF8.self)
        continue
      }
      let text = bytes[item.keyStart..<item.value.upperBound]
      if moved.contains(item.key) {
        if taken.count > 1 { taken.append(UInt8(ascii: ",")) }
        taken += text
      } else {
        if rest.count > 1 { rest.append(UInt8(ascii: ",")) }
        rest += text
      }
    }
    rest.append(UInt8(ascii: "}"))
    taken.append(UInt8(ascii: "}"))
    return (
      String(decoding: rest, as: UTF8.self), member,
      taken.count > 2 ? String(decoding: taken, as: UTF8.self) : nil
    )
  }

  /// A member that must be an object, as text for a `jsonb` column.
  func objectText(_ key: String) throws(FieldError) -> String {
    guard let slice = value(key) else { throw FieldError("\(name(key)) is missing") }
    guard slice.first == UInt8(ascii: "{") else {
      throw FieldError("\(name(key)) is not an object")
    }
    return String(decoding: slice, as: UTF8.self)
  }

  /// Like `objectText`, but absent or `null` gives `nil`.
  func optionalObjectText(_ key: String) throws(FieldError) -> String? {
    guard let slice = value(key), slice.first != UInt8(ascii: "n") else { return nil }
    return try objectText(key)
  }

  /// An array of counts, each an integer in 0…2³¹−1.
  func counts(_ key: String) throws(FieldError) -> [Int32] {
    guard let slice = value(key) else { throw FieldError("\(name(key)) is missing") }
    var failedAt = -1
    guard
      let counts = JSONMemberScanner.counts(
        slice, maximum: SegmentDecoder.maximumCount, failedAt: &failedAt)
    else {
      if failedAt >= 0 {
        throw FieldError(
          "\(name(key))[\(failedAt)] is not an integer in 0…\(SegmentDecoder.maximumCount)")
      }
      throw FieldError("\(name(key)) is not an array of integers")
    }
    guard !counts.isEmpty else { throw FieldError("\(name(key)) is not a non-empty array") }
    return counts
  }
}
