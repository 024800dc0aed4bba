/// The bytes the TOML grammar is written in terms of, and the character classes it uses.
enum ASCII {
  static let tab = UInt8(ascii: "\t")
  static let lineFeed = UInt8(ascii: "\n")
  static let carriageReturn = UInt8(ascii: "\r")
  static let space = UInt8(ascii: " ")
  static let quote = UInt8(ascii: "\"")
  static let apostrophe = UInt8(ascii: "'")
  static let hash = UInt8(ascii: "#")
  static let equals = UInt8(ascii: "=")
  static let dot = UInt8(ascii: ".")
  static let comma = UInt8(ascii: ",")
  static let backslash = UInt8(ascii: "\\")
  static let openBracket = UInt8(ascii: "[")
  static let closeBracket = UInt8(ascii: "]")
  static let openBrace = UInt8(ascii: "{")
  static let closeBrace = UInt8(ascii: "}")
  static let plus = UInt8(ascii: "+")
  static let minus = UInt8(ascii: "-")
  static let underscore = UInt8(ascii: "_")
  static let colon = UInt8(ascii: ":")
  static let zero = UInt8(ascii: "0")

  /// Space or tab: the only white space TOML allows inside a line.
  static func isBlank(_ byte: UInt8) -> Bool { byte == space || byte == tab }

  /// A decimal digit.
  static func isDigit(_ byte: UInt8) -> Bool { byte >= zero && byte <= UInt8(ascii: "9") }

  /// An ASCII letter.
  static func isLetter(_ byte: UInt8) -> Bool {
    let lower = byte | 0x20
    return lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")
  }

  /// A character allowed in a bare key: letters, digits, `_` and `-`.
  static func isBareKey(_ byte: UInt8) -> Bool {
    isLetter(byte) || isDigit(byte) || byte == underscore || byte == minus
  }

  /// A character that can appear in an unquoted value: number, boolean, inf/nan or date-time.
  static func isBareValue(_ byte: UInt8) -> Bool {
    isBareKey(byte) || byte == plus || byte == dot || byte == colon
  }

  /// A control character TOML forbids in strings and comments: U+0000–U+0008, U+000A–U+001F and
  /// U+007F (tab is allowed; callers handle line feeds and carriage returns first).
  static func isControl(_ byte: UInt8) -> Bool {
    (byte < 0x20 && byte != tab) || byte == 0x7F
  }

  /// The value of a hexadecimal digit, or nil.
  static func hexValue(_ byte: UInt8) -> UInt32? {
    if isDigit(byte) { return UInt32(byte - zero) }
    let lower = byte | 0x20
    if lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "f") {
      return UInt32(lower - UInt8(ascii: "a") + 10)
    }
    return nil
  }
}
