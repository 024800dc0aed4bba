/// TOML integers (decimal, `0x`, `0o`, `0b`) and floats, with their underscore and leading-zero
/// rules and 64-bit range checks.
enum NumberSyntax {
  /// Parses a token that starts, after an optional sign, with a digit.
  static func parse(_ token: ArraySlice<UInt8>, text: String) throws(SyntaxError)
    -> TOMLValue.Kind
  {
    let negative = token.first == ASCII.minus
    let signed = negative || token.first == ASCII.plus
    let body = signed ? token.dropFirst() : token
    if body.count >= 2, body.first == ASCII.zero, let radix = radix(of: body[body.startIndex + 1]) {
      guard !signed else {
        throw SyntaxError(message: "a sign is not allowed on '\(text)'")
      }
      return .integer(try parseRadix(body.dropFirst(2), radix: radix, text: text))
    }
    if body.contains(where: {
      $0 == ASCII.dot || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E")
    }) {
      return .float(try parseFloat(body, negative: negative, text: text))
    }
    try checkDigits(body, text: text, leadingZeroAllowed: false)
    var value: Int64 = 0
    for byte in body where byte != ASCII.underscore {
      let digit = Int64(byte - ASCII.zero)
      let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
      let (next, overflow2) =
        negative
        ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
      guard !overflow1, !overflow2 else { throw outOfRange(text) }
      value = next
    }
    return .integer(value)
  }

  /// The radix a `0x`, `0o` or `0b` prefix letter selects.
  private static func radix(of letter: UInt8) -> Int64? {
    switch letter {
    case UInt8(ascii: "x"): 16
    case UInt8(ascii: "o"): 8
    case UInt8(ascii: "b"): 2
    default: nil
    }
  }

  private static func parseRadix(_ digits: ArraySlice<UInt8>, radix: Int64, text: String)
    throws(SyntaxError) -> Int64
  {
    var value: Int64 = 0
    var previousWasDigit = false
    for byte in digits {
      if byte == ASCII.underscore {
        guard previousWasDigit else { throw badUnderscore(text) }
        previousWasDigit = false
        continue
      }
      guard let digit = ASCII.hexValue(byte).map(Int64.init), digit < radix else {
        throw SyntaxError(message: "invalid digit in integer '\(text)'")
      }
      let (shifted, overflow1) = value.multipliedReportingOverflow(by: radix)
      let (next, overflow2) = shifted.addingReportingOverflow(digit)
      guard !overflow1, !overflow2 else { throw outOfRange(text) }
      value = next
      previousWasDigit = true
    }
    guard !digits.isEmpty else { throw SyntaxError(message: "missing digits in '\(text)'") }
    guard previousWasDigit else { throw badUnderscore(text) }
    return value
  }

  /// Parses `int[.frac][(e|E)[sign]exp]`, which has a fraction or an exponent.
  private static func parseFloat(_ body: ArraySlice<UInt8>, negative: Bool, text: String)
    throws(SyntaxError) -> Double
  {
    let isExponent = { (byte: UInt8) in byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") }
    let integerEnd = body.firstIndex { $0 == ASCII.dot || isExponent($0) } ?? body.endIndex
    try checkDigits(body[..<integerEnd], text: text, leadingZeroAllowed: false)
    var rest = body[integerEnd...]
    if rest.first == ASCII.dot {
      rest = rest.dropFirst()
      let fractionEnd = rest.firstIndex(where: isExponent) ?? rest.endIndex
      try checkDigits(rest[..<fractionEnd], text: text, leadingZeroAllowed: true)
      rest = rest[fractionEnd...]
    }
    if let marker = rest.first, isExponent(marker) {
      rest = rest.dropFirst()
      if let sign = rest.first, sign == ASCII.plus || sign == ASCII.minus {
        rest = rest.dropFirst()
      }
      try checkDigits(rest, text: text, leadingZeroAllowed: true)
    } else if !rest.isEmpty {
      throw invalid(text)
    }
    var cleaned = negative ? "-" : ""
    cleaned.unicodeScalars.append(
      contentsOf: body.lazy.filter { $0 != ASCII.underscore }.map { Unicode.Scalar($0) })
    guard let value = Double(cleaned) else { throw invalid(text) }
    guard value.isFinite else {
      throw SyntaxError(message: "float '\(text)' is out of range for a 64-bit float")
    }
    return value
  }

  /// Checks a run of decimal digits with single underscores between digits, and (unless
  /// allowed) no leading zero.
  private static func checkDigits(
    _ digits: ArraySlice<UInt8>, text: String, leadingZeroAllowed: Bool
  ) throws(SyntaxError) {
    guard let first = digits.first, let last = digits.last else { throw invalid(text) }
    guard ASCII.isDigit(first), ASCII.isDigit(last) else {
      throw first == ASCII.underscore || last == ASCII.underscore
        ? badUnderscore(text) : invalid(text)
    }
    var previous = first
    for byte in digits.dropFirst() {
      if byte == ASCII.underscore {
        guard previous != ASCII.underscore else { throw badUnderscore(text) }
      } else if !ASCII.isDigit(byte) {
        throw invalid(text)
      }
      previous = byte
    }
    if !leadingZeroAllowed, first == ASCII.zero, digits.count > 1 {
      throw SyntaxError(message: "leading zeros are not allowed in '\(text)'")
    }
  }

  private static func invalid(_ text: String) -> SyntaxError {
    SyntaxError(message: "invalid number '\(text)'")
  }

  private static func badUnderscore(_ text: String) -> SyntaxError {
    SyntaxError(message: "underscores must be between digits in '\(text)'")
  }

  private static func outOfRange(_ text: String) -> SyntaxError {
    SyntaxError(message: "integer '\(text)' is out of range for a 64-bit signed integer")
  }
}
