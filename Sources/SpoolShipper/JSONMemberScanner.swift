/// Finds the members of a JSON object in place, without building values for them, so the
/// shipper parses only what becomes columns and hands the large members (counts, detection,
/// settings) on as text or numbers straight from the record's bytes.
///
/// The scan checks structure (strings, nesting, separators) but not scalar syntax; members passed
/// on as text are validated by PostgreSQL, which rejects bad JSON with SQLSTATE 22P02. It runs
/// over the bytes' buffer directly: a record is about 20 KB, most of it skipped here.
enum JSONMemberScanner {
  /// One member: its key, the byte range of its value, and where its key's opening quote is
  /// (indices of the slice given to `members`).
  struct Member {
    var key: String
    var value: Range<Int>
    var keyStart: Int
  }

  /// The members of the object that `bytes` holds (surrounding whitespace allowed), or `nil`
  /// when it is not a well-formed object.
  static func members(_ bytes: ArraySlice<UInt8>) -> [Member]? {
    let base = bytes.startIndex
    return bytes.withUnsafeBufferPointer { buffer -> [Member]? in
      guard let local = members(Bytes(buffer)) else { return nil }
      return local.map { member in
        Member(
          key: member.key,
          value: (member.value.lowerBound + base)..<(member.value.upperBound + base),
          keyStart: member.keyStart + base)
      }
    }
  }

  /// Parses an array of non-negative integers no larger than `maximum`; `nil` if it is anything
  /// else. Returns the index of the first offending element through `failedAt`.
  static func counts(_ bytes: ArraySlice<UInt8>, maximum: Int64, failedAt: inout Int) -> [Int32]? {
    bytes.withUnsafeBufferPointer { counts(Bytes($0), maximum: maximum, failedAt: &failedAt) }
  }

  /// The bytes being scanned; indices from 0.
  private struct Bytes {
    let buffer: UnsafeBufferPointer<UInt8>
    init(_ buffer: UnsafeBufferPointer<UInt8>) { self.buffer = buffer }
    var end: Int { buffer.count }
    subscript(_ index: Int) -> UInt8 { buffer[index] }
  }

  private static func members(_ bytes: Bytes) -> [Member]? {
    var index = skipSpace(bytes, 0)
    guard index < bytes.end, bytes[index] == UInt8(ascii: "{") else { return nil }
    index = skipSpace(bytes, index + 1)
    var members: [Member] = []
    if index < bytes.end, bytes[index] == UInt8(ascii: "}") {
      return skipSpace(bytes, index + 1) == bytes.end ? members : nil
    }
    while true {
      guard index < bytes.end, bytes[index] == UInt8(ascii: "\""),
        let keyEnd = skipString(bytes, index)
      else { return nil }
      let keyStart = index
      let keyBytes = UnsafeBufferPointer(rebasing: bytes.buffer[(index + 1)..<(keyEnd - 1)])
      guard !keyBytes.contains(UInt8(ascii: "\\")) else { return nil }  // never in our records
      let key = String(decoding: keyBytes, as: UTF8.self)
      index = skipSpace(bytes, keyEnd)
      guard index < bytes.end, bytes[index] == UInt8(ascii: ":") else { return nil }
      let valueStart = skipSpace(bytes, index + 1)
      guard let valueEnd = skipValue(bytes, valueStart) else { return nil }
      members.append(Member(key: key, value: valueStart..<valueEnd, keyStart: keyStart))
      index = skipSpace(bytes, valueEnd)
      guard index < bytes.end else { return nil }
      if bytes[index] == UInt8(ascii: ",") {
        index = skipSpace(bytes, index + 1)
        continue
      }
      guard bytes[index] == UInt8(ascii: "}") else { return nil }
      return skipSpace(bytes, index + 1) == bytes.end ? members : nil
    }
  }

  private static func counts(_ bytes: Bytes, maximum: Int64, failedAt: inout Int) -> [Int32]? {
    var index = skipSpace(bytes, 0)
    guard index < bytes.end, bytes[index] == UInt8(ascii: "[") else { return nil }
    index = skipSpace(bytes, index + 1)
    if index < bytes.end, bytes[index] == UInt8(ascii: "]") {
      return skipSpace(bytes, index + 1) == bytes.end ? [] : nil
    }
    // Every count takes at least two bytes with its separator, so this many always fit.
    var well = false
    var failed = -1
    let result = [Int32](unsafeUninitializedCapacity: bytes.end / 2 + 1) { output, count in
      while true {
        var value: Int64 = 0
        var digits = 0
        while index < bytes.end, digits < 12 {
          let digit = bytes[index] &- 0x30
          guard digit < 10 else { break }
          value = value &* 10 &+ Int64(digit)
          digits += 1
          index += 1
        }
        guard digits > 0, value <= maximum else {
          failed = count
          return
        }
        output[count] = Int32(truncatingIfNeeded: value)
        count += 1
        // The common case, a comma and the next digit, without looking for spaces.
        if index + 1 < bytes.end, bytes[index] == UInt8(ascii: ","), bytes[index + 1] &- 0x30 < 10 {
          index += 1
          continue
        }
        index = skipSpace(bytes, index)
        guard index < bytes.end else { return }
        if bytes[index] == UInt8(ascii: ",") {
          index = skipSpace(bytes, index + 1)
          continue
        }
        guard bytes[index] == UInt8(ascii: "]") else {
          failed = count
          return
        }
        well = skipSpace(bytes, index + 1) == bytes.end
        return
      }
    }
    if failed >= 0 { failedAt = failed }
    return well ? result : nil
  }

  /// The index of the first quote, bracket or brace at or after `start` (or the end).
  ///
  /// Eight bytes at a time while none of them is one (most of a record is digits and commas),
  /// then byte by byte.
  private static func skipPlain(_ bytes: Bytes, _ start: Int) -> Int {
    var index = start
    if let base = bytes.buffer.baseAddress {
      while index + 8 <= bytes.end {
        let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
        if hasStructuralByte(word) { break }
        index += 8
      }
    }
    while index < bytes.end {
      let byte = bytes[index]
      // Bytes past `}` and digits, commas, letters, spaces: the common case, one comparison.
      if byte > UInt8(ascii: "}")
        || (byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "[") && byte != UInt8(ascii: "]")
          && byte != UInt8(ascii: "{") && byte != UInt8(ascii: "}"))
      {
        index += 1
        continue
      }
      return index
    }
    return index
  }

  /// Whether one of the eight bytes of `word` is a quote, bracket or brace. `word | 0x20…`
  /// turns `[` into `{` and `]` into `}` (and no other byte into either), so three tests cover
  /// the five bytes.
  static func hasStructuralByte(_ word: UInt64) -> Bool {
    let folded = word | 0x2020_2020_2020_2020
    return hasByte(word, UInt8(ascii: "\"")) || hasByte(folded, UInt8(ascii: "{"))
      || hasByte(folded, UInt8(ascii: "}"))
  }

  /// Whether one of the eight bytes of `word` equals `byte` (the zero-byte test on
  /// `word ^ byte…`: exact, no false answers either way).
  @inline(__always)
  private static func hasByte(_ word: UInt64, _ byte: UInt8) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let difference = word ^ (ones &* UInt64(byte))
    return (difference &- ones) & ~difference & 0x8080_8080_8080_8080 != 0
  }

  private static func skipSpace(_ bytes: Bytes, _ start: Int) -> Int {
    var index = start
    while index < bytes.end {
      switch bytes[index] {
      case 0x20, 0x09, 0x0A, 0x0D: index += 1
      default: return index
      }
    }
    return index
  }

  /// The index after the string that starts at `start` (a quote).
  private static func skipString(_ bytes: Bytes, _ start: Int) -> Int? {
    var index = start + 1
    while index < bytes.end {
      switch bytes[index] {
      case UInt8(ascii: "\""): return index + 1
      case UInt8(ascii: "\\"): index += 2
      case 0x00..<0x20: return nil
      default: index += 1
      }
    }
    return nil
  }

  /// The index after the value that starts at `start`.
  private static func skipValue(_ bytes: Bytes, _ start: Int) -> Int? {
    guard start < bytes.end else { return nil }
    switch bytes[start] {
    case UInt8(ascii: "\""):
      return skipString(bytes, start)
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      var depth = 0
      var index = start
      while true {
        index = skipPlain(bytes, index)
        guard index < bytes.end else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "\""):
          guard let end = skipString(bytes, index) else { return nil }
          index = end
          continue
        case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
        default:  // a closing bracket or brace
          depth -= 1
          if depth == 0 { return index + 1 }
        }
        index += 1
      }
    default:
      var index = start
      while index < bytes.end {
        switch bytes[index] {
        case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D:
          return index > start ? index : nil
        default: index += 1
        }
      }
      return index > start ? index : nil
    }
  }
}
