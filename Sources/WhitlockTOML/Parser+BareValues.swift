/// Unquoted values: booleans, integers, floats and date-times.
extension Parser {
  /// Reads the unquoted value at the cursor and interprets it.
  mutating func parseBareValue() throws(ParseFailure) -> TOMLValue.Kind {
    let start = cursor.position
    let first = cursor.offset
    readBareCharacters()
    // A date may be followed by a space and a time: `1979-05-27 07:32:00`.
    if DateTimeSyntax.isDate(cursor.bytes[first..<cursor.offset]),
      cursor.current == ASCII.space,
      let hour1 = cursor.peek(1), ASCII.isDigit(hour1),
      let hour2 = cursor.peek(2), ASCII.isDigit(hour2),
      cursor.peek(3) == ASCII.colon
    {
      cursor.advance()
      readBareCharacters()
    }
    let token = cursor.bytes[first..<cursor.offset]
    do {
      return try Self.interpret(token)
    } catch {
      throw ParseFailure(position: start, message: error.message)
    }
  }

  private mutating func readBareCharacters() {
    while let byte = cursor.current, ASCII.isBareValue(byte) { cursor.advance() }
  }

  /// What an unquoted token means, or why it means nothing.
  static func interpret(_ token: ArraySlice<UInt8>) throws(SyntaxError) -> TOMLValue.Kind {
    let text = String(decoding: token, as: UTF8.self)
    switch text {
    case "true": return .boolean(true)
    case "false": return .boolean(false)
    case "inf", "+inf": return .float(.infinity)
    case "-inf": return .float(-.infinity)
    case "nan", "+nan": return .float(.nan)
    case "-nan": return .float(-.nan)
    default: break
    }
    if DateTimeSyntax.looksLikeDateTime(token) {
      guard DateTimeSyntax.isValid(token) else {
        throw SyntaxError(message: "invalid date-time '\(text)'")
      }
      return .datetime(text)
    }
    var body = token
    if let sign = body.first, sign == ASCII.plus || sign == ASCII.minus {
      body = body.dropFirst()
    }
    guard let first = body.first, ASCII.isDigit(first) else {
      throw SyntaxError(message: "invalid value '\(text)' (strings must be quoted)")
    }
    return try NumberSyntax.parse(token, text: text)
  }
}

/// Why an unquoted token is not a valid value, before a position is attached.
struct SyntaxError: Error {
  /// What is wrong.
  let message: String
}
