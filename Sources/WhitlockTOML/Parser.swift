/// Reads a TOML text line by line: blank lines, comments, `[table]` and `[[array]]` headers and
/// `key = value` pairs, feeding them to a `TableTree`.
struct Parser {
  /// The read position.
  var cursor: Cursor
  /// The tables built so far.
  var tree: TableTree
  /// The table that `key = value` lines currently add to.
  var currentTable = TableTree.rootID

  /// Prepares to parse `text`, rejecting nesting deeper than `maximumDepth`.
  init(text: String, maximumDepth: Int) {
    cursor = Cursor(text: text)
    tree = TableTree(maximumDepth: maximumDepth)
  }

  /// The deepest nesting accepted.
  var maximumDepth: Int { tree.maximumDepth }

  /// Parses the whole text and returns the root table.
  mutating func parseDocument() throws(ParseFailure) -> TOMLTable {
    while true {
      cursor.skipBlanks()
      guard let byte = cursor.current else { break }
      switch byte {
      case ASCII.lineFeed, ASCII.carriageReturn:
        try consumeNewline()
      case ASCII.hash:
        try skipComment()
      case ASCII.openBracket:
        try parseHeader()
        try expectEndOfLine(after: "table header")
      default:
        try parseKeyValue()
        try expectEndOfLine(after: "value")
      }
    }
    return tree.freeze(TableTree.rootID)
  }

  /// Parses `[a.b]` or `[[a.b]]` and makes its table current.
  private mutating func parseHeader() throws(ParseFailure) {
    let header = cursor.position
    cursor.advance()
    let isArray = cursor.current == ASCII.openBracket
    if isArray { cursor.advance() }
    cursor.skipBlanks()
    let key = try parseKey()
    let closing = isArray ? "]]" : "]"
    guard cursor.current == ASCII.closeBracket, !isArray || cursor.peek(1) == ASCII.closeBracket
    else {
      throw ParseFailure(
        position: cursor.position,
        message: "expected '\(closing)' to close the table header, found \(cursor.describeCurrent)")
    }
    cursor.advance(by: closing.utf8.count)
    currentTable =
      isArray
      ? try tree.appendArrayElement(key, header: header)
      : try tree.openTable(key, header: header)
  }

  /// Parses `key = value` into the current table.
  private mutating func parseKeyValue() throws(ParseFailure) {
    let key = try parseKey()
    try expectEquals(after: key)
    try parseAssignment(of: key, in: currentTable)
  }

  /// Checks for the `=` after a key and moves past it and the blanks after it.
  mutating func expectEquals(after key: [KeyComponent]) throws(ParseFailure) {
    guard cursor.current == ASCII.equals else {
      let name = key.map { KeyComponent.display($0.name) }.joined(separator: ".")
      throw ParseFailure(
        position: cursor.position,
        message: "expected '=' after key '\(name)', found \(cursor.describeCurrent)")
    }
    cursor.advance()
    cursor.skipBlanks()
  }

  /// Parses the value after `key =` and stores it in `table` (or in the dotted tables below it).
  mutating func parseAssignment(of key: [KeyComponent], in table: Int) throws(ParseFailure) {
    let target = try tree.prepareAssignment(in: table, key: key)
    let last = key[key.count - 1]
    let value = try parseValue(
      depth: tree.depth(of: target) + 1, path: ValuePath(table: target, key: last.name))
    tree.assign(value, to: last, in: target)
  }

  /// After a header or value: blanks, an optional comment, then a line break or the end.
  private mutating func expectEndOfLine(after what: String) throws(ParseFailure) {
    cursor.skipBlanks()
    switch cursor.current {
    case nil: return
    case ASCII.hash: try skipComment()
    case ASCII.lineFeed, ASCII.carriageReturn: try consumeNewline()
    default:
      throw ParseFailure(
        position: cursor.position,
        message: "unexpected \(cursor.describeCurrent) after \(what); expected end of line")
    }
  }

  /// Moves past a comment up to (not including) its line break, rejecting control characters.
  mutating func skipComment() throws(ParseFailure) {
    cursor.advance()
    while let byte = cursor.current, byte != ASCII.lineFeed {
      if byte == ASCII.carriageReturn {
        if cursor.peek(1) == ASCII.lineFeed { return }
        throw bareCarriageReturn()
      }
      if ASCII.isControl(byte) {
        throw ParseFailure(
          position: cursor.position,
          message: "\(cursor.describeCurrent) is not allowed in a comment")
      }
      cursor.advance()
    }
  }

  /// Moves past `\n` or `\r\n`; a carriage return alone is an error.
  mutating func consumeNewline() throws(ParseFailure) {
    if cursor.current == ASCII.carriageReturn {
      guard cursor.peek(1) == ASCII.lineFeed else { throw bareCarriageReturn() }
      cursor.advance()
    }
    cursor.advance()
  }

  /// The error for a carriage return not followed by a line feed, at the cursor.
  func bareCarriageReturn() -> ParseFailure {
    ParseFailure(
      position: cursor.position, message: "carriage return not followed by a line feed")
  }
}
