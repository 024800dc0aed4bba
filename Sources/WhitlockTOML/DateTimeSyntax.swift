/// The shapes of TOML date-times (RFC 3339 with a space allowed between date and time): offset
/// and local date-times, local dates and local times, with field ranges checked.
enum DateTimeSyntax {
  /// Whether a token starts like a date (`dddd-`) or a time (`dd:`), so that it is judged as a
  /// date-time rather than as a number.
  static func looksLikeDateTime(_ token: ArraySlice<UInt8>) -> Bool {
    let bytes = Array(token)
    return (bytes.count >= 5 && bytes[0..<4].allSatisfy(ASCII.isDigit) && bytes[4] == ASCII.minus)
      || (bytes.count >= 3 && bytes[0..<2].allSatisfy(ASCII.isDigit) && bytes[2] == ASCII.colon)
  }

  /// Whether a token is exactly a valid full date `YYYY-MM-DD`.
  static func isDate(_ token: ArraySlice<UInt8>) -> Bool {
    var reader = Reader(bytes: Array(token))
    return reader.readDate() && reader.isAtEnd
  }

  /// Whether a token is a valid offset date-time, local date-time, local date or local time.
  static func isValid(_ token: ArraySlice<UInt8>) -> Bool {
    var reader = Reader(bytes: Array(token))
    if reader.bytes.count >= 3, reader.bytes[2] == ASCII.colon {
      return reader.readTime() && reader.isAtEnd
    }
    guard reader.readDate() else { return false }
    if reader.isAtEnd { return true }
    guard reader.readAny(of: [UInt8(ascii: "T"), UInt8(ascii: "t"), ASCII.space]),
      reader.readTime()
    else { return false }
    if reader.isAtEnd { return true }
    return reader.readOffset() && reader.isAtEnd
  }

  /// Reads date-time fields left to right.
  private struct Reader {
    let bytes: [UInt8]
    var index = 0

    var isAtEnd: Bool { index == bytes.count }

    /// `YYYY-MM-DD` with a real month and a day that exists in that month.
    mutating func readDate() -> Bool {
      guard let year = readNumber(digits: 4), readAny(of: [ASCII.minus]),
        let month = readNumber(digits: 2), readAny(of: [ASCII.minus]),
        let day = readNumber(digits: 2), (1...12).contains(month)
      else { return false }
      return day >= 1 && day <= Self.daysIn(month: month, year: year)
    }

    /// `HH:MM:SS` with an optional fraction; second 60 is allowed for leap seconds.
    mutating func readTime() -> Bool {
      guard let hour = readNumber(digits: 2), readAny(of: [ASCII.colon]),
        let minute = readNumber(digits: 2), readAny(of: [ASCII.colon]),
        let second = readNumber(digits: 2),
        hour <= 23, minute <= 59, second <= 60
      else { return false }
      if readAny(of: [ASCII.dot]) {
        let fractionStart = index
        while index < bytes.count, ASCII.isDigit(bytes[index]) { index += 1 }
        return index > fractionStart
      }
      return true
    }

    /// `Z`, `z` or `±HH:MM`.
    mutating func readOffset() -> Bool {
      if readAny(of: [UInt8(ascii: "Z"), UInt8(ascii: "z")]) { return true }
      guard readAny(of: [ASCII.plus, ASCII.minus]), let hour = readNumber(digits: 2),
        readAny(of: [ASCII.colon]), let minute = readNumber(digits: 2)
      else { return false }
      return hour <= 23 && minute <= 59
    }

    /// Moves past one byte if it is one of `choices`.
    mutating func readAny(of choices: [UInt8]) -> Bool {
      guard index < bytes.count, choices.contains(bytes[index]) else { return false }
      index += 1
      return true
    }

    /// Reads exactly `digits` decimal digits.
    mutating func readNumber(digits: Int) -> Int? {
      guard index + digits <= bytes.count else { return nil }
      var value = 0
      for byte in bytes[index..<index + digits] {
        guard ASCII.isDigit(byte) else { return nil }
        value = value * 10 + Int(byte - ASCII.zero)
      }
      index += digits
      return value
    }

    static func daysIn(month: Int, year: Int) -> Int {
      switch month {
      case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
      case 4, 6, 9, 11: 30
      default: 31
      }
    }
  }
}
