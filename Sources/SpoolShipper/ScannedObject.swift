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

  /// The object's text without the member `key`, and that member's value as text: how the
  /// detector's parameters, the same in every record, are split off `detection` to be stored
  /// once. Without such a member, the whole text and `nil`.
  func text(splittingOff key: String) -> (rest: String, member: String?) {
    guard let index = members.firstIndex(where: { $0.key == key }) else { return (text, nil) }
    let member = members[index]
    // Remove the member with one of its commas: the one after it, or else the one before it.
    let removed: Range<Int>
    if index + 1 < members.count {
      removed = member.keyStart..<members[index + 1].keyStart
    } else if index > 0 {
      removed = members[index - 1].value.upperBound..<member.value.upperBound
    } else {
      removed = member.keyStart..<member.value.upperBound
    }
    var rest: [UInt8] = []
    rest.reserveCapacity(bytes.count - removed.count)
    rest += bytes[bytes.startIndex..<removed.lowerBound]
    rest += bytes[removed.upperBound..<bytes.endIndex]
    return (
      String(decoding: rest, as: UTF8.self), String(decoding: bytes[member.value], as: UTF8.self)
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
