/// The four string forms: basic `"…"` with escapes, literal `'…'`, and their multi-line `"""`
/// and `'''` variants.
extension Parser {
  /// Parses a single-line basic string at the opening quote.
  mutating func parseBasicString() throws(ParseFailure) -> String {
    let start = cursor.position
    cursor.advance()
    var content: [UInt8] = []
    while true {
      guard let byte = cursor.current else { throw unterminated("string", at: start) }
      switch byte {
      case ASCII.quote:
        cursor.advance()
        return String(decoding: content, as: UTF8.self)
      case ASCII.backslash:
        try parseEscape(into: &content)
      case ASCII.lineFeed, ASCII.carriageReturn:
        throw ParseFailure(
          position: cursor.position,
          message: "newline in a single-line string (missing closing '\"'?)")
      default:
        try appendStringByte(byte, to: &content)
      }
    }
  }

  /// Parses a single-line literal string at the opening apostrophe.
  mutating func parseLiteralString() throws(ParseFailure) -> String {
    let start = cursor.position
    cursor.advance()
    var content: [UInt8] = []
    while true {
      guard let byte = cursor.current else { throw unterminated("string", at: start) }
      switch byte {
      case ASCII.apostrophe:
        cursor.advance()
        return String(decoding: content, as: UTF8.self)
      case ASCII.lineFeed, ASCII.carriageReturn:
        throw ParseFailure(
          position: cursor.position,
          message: "newline in a single-line string (missing closing \"'\"?)")
      default:
        try appendStringByte(byte, to: &content)
      }
    }
  }

  /// Parses a multi-line string at its opening `"""` (basic, with escapes) or `'''` (literal).
  mutating func parseMultilineString(literal: Bool) throws(ParseFailure) -> String {
    let start = cursor.position
    let delimiter = literal ? ASCII.apostrophe : ASCII.quote
    cursor.advance(by: 3)
    // A line break right after the opening delimiter is not part of the string.
    if cursor.current == ASCII.lineFeed {
      cursor.advance()
    } else if cursor.current == ASCII.carriageReturn, cursor.peek(1) == ASCII.lineFeed {
      cursor.advance(by: 2)
    }
    var content: [UInt8] = []
    while true {
      guard let byte = cursor.current else { throw unterminated("multi-line string", at: start) }
      switch byte {
      case delimiter:
        var run = 1
        while cursor.peek(run) == delimiter { run += 1 }
        if run >= 3 {
          // Up to two delimiter characters may directly precede the closing three.
          guard run <= 5 else {
            throw ParseFailure(
              position: cursor.position,
              message: "too many consecutive quotes closing a multi-line string")
          }
          content.append(contentsOf: repeatElement(delimiter, count: run - 3))
          cursor.advance(by: run)
          return String(decoding: content, as: UTF8.self)
        }
        content.append(contentsOf: repeatElement(delimiter, count: run))
        cursor.advance(by: run)
      case ASCII.backslash where !literal:
        if isLineEndingBackslash() {
          try skipLineEndingBackslash()
        } else {
          try parseEscape(into: &content)
        }
      case ASCII.lineFeed:
        content.append(ASCII.lineFeed)
        cursor.advance()
      case ASCII.carriageReturn:
        guard cursor.peek(1) == ASCII.lineFeed else { throw bareCarriageReturn() }
        content.append(ASCII.lineFeed)
        cursor.advance(by: 2)
      default:
        try appendStringByte(byte, to: &content)
      }
    }
  }

  /// Appends an ordinary string character, rejecting control characters.
  private mutating func appendStringByte(_ byte: UInt8, to content: inout [UInt8])
    throws(ParseFailure)
  {
    guard !ASCII.isControl(byte) else {
      throw ParseFailure(
        position: cursor.position,
        message: "\(cursor.describeCurrent) must be escaped in a string")
    }
    content.append(byte)
    cursor.advance()
  }

  /// Parses one escape sequence at its backslash and appends the character it stands for.
  private mutating func parseEscape(into content: inout [UInt8]) throws(ParseFailure) {
    let start = cursor.position
    cursor.advance()
    guard let letter = cursor.current else { throw unterminated("string", at: start) }
    let simple: UInt8? =
      switch letter {
      case UInt8(ascii: "b"): 0x08
      case UInt8(ascii: "t"): ASCII.tab
      case UInt8(ascii: "n"): ASCII.lineFeed
      case UInt8(ascii: "f"): 0x0C
      case UInt8(ascii: "r"): ASCII.carriageReturn
      case ASCII.quote: ASCII.quote
      case ASCII.backslash: ASCII.backslash
      default: nil
      }
    if let simple {
      content.append(simple)
      cursor.advance()
      return
    }
    let digits: Int
    switch letter {
    case UInt8(ascii: "u"): digits = 4
    case UInt8(ascii: "U"): digits = 8
    default:
      let shown =
        ASCII.isControl(letter) || letter >= 0x80 || ASCII.isBlank(letter)
        ? cursor.describeCurrent : "'\\\(Character(Unicode.Scalar(letter)))'"
      throw ParseFailure(position: start, message: "invalid escape sequence \(shown)")
    }
    cursor.advance()
    var value: UInt32 = 0
    for _ in 0..<digits {
      guard let byte = cursor.current, let digit = ASCII.hexValue(byte) else {
        throw ParseFailure(
          position: start,
          message: "invalid Unicode escape: expected \(digits) hexadecimal digits")
      }
      value = value << 4 | digit
      cursor.advance()
    }
    guard let scalar = Unicode.Scalar(value) else {
      throw ParseFailure(
        position: start,
        message: "Unicode escape \(Cursor.codePoint(value)) is not a Unicode scalar value")
    }
    UTF8.encode(scalar) { content.append($0) }
  }

  /// Whether the backslash at the cursor is followed only by blanks up to the end of its line.
  private func isLineEndingBackslash() -> Bool {
    var distance = 1
    while let byte = cursor.peek(distance), ASCII.isBlank(byte) { distance += 1 }
    return cursor.peek(distance) == ASCII.lineFeed
      || (cursor.peek(distance) == ASCII.carriageReturn
        && cursor.peek(distance + 1) == ASCII.lineFeed)
  }

  /// Moves past a line-ending backslash and all white space and line breaks after it.
  private mutating func skipLineEndingBackslash() throws(ParseFailure) {
    cursor.advance()
    while let byte = cursor.current {
      if ASCII.isBlank(byte) || byte == ASCII.lineFeed {
        cursor.advance()
      } else if byte == ASCII.carriageReturn {
        try consumeNewline()
      } else {
        return
      }
    }
  }

  /// The error for a string still open at the end of the text, at its opening quote.
  private func unterminated(_ what: String, at start: SourcePosition) -> ParseFailure {
    ParseFailure(position: start, message: "unterminated \(what)")
  }
}
