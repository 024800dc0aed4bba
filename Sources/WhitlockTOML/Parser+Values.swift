/// Values: dispatch on the first character, and the two compound forms, arrays and inline tables.
extension Parser {
  /// Parses the value at the cursor, `depth` levels below the root; `path` locates it for errors.
  mutating func parseValue(depth: Int, path: ValuePath) throws(ParseFailure) -> TOMLValue {
    let start = cursor.position
    guard depth <= maximumDepth else {
      throw ParseFailure(
        position: start, message: "values nested deeper than \(maximumDepth) levels")
    }
    let kind: TOMLValue.Kind
    switch cursor.current {
    case ASCII.quote?:
      let multiline = cursor.peek(1) == ASCII.quote && cursor.peek(2) == ASCII.quote
      kind = .string(
        multiline ? try parseMultilineString(literal: false) : try parseBasicString())
    case ASCII.apostrophe?:
      let multiline = cursor.peek(1) == ASCII.apostrophe && cursor.peek(2) == ASCII.apostrophe
      kind = .string(
        multiline ? try parseMultilineString(literal: true) : try parseLiteralString())
    case ASCII.openBracket?:
      kind = try parseArray(depth: depth, path: path)
    case ASCII.openBrace?:
      kind = try parseInlineTable(depth: depth, path: path)
    case nil, ASCII.lineFeed?, ASCII.carriageReturn?, ASCII.hash?:
      throw ParseFailure(position: start, message: "missing value for '\(tree.path(of: path))'")
    case let byte? where ASCII.isBareValue(byte):
      kind = try parseBareValue()
    default:
      throw ParseFailure(
        position: start, message: "expected a value, found \(cursor.describeCurrent)")
    }
    return TOMLValue(kind: kind, line: start.line, column: start.column)
  }

  /// Parses `[ v, v, … ]`, which may span lines and hold comments and a trailing comma.
  private mutating func parseArray(depth: Int, path: ValuePath) throws(ParseFailure)
    -> TOMLValue.Kind
  {
    let start = cursor.position
    cursor.advance()
    var elements: [TOMLValue] = []
    while true {
      try skipArrayFiller()
      switch cursor.current {
      case nil:
        throw ParseFailure(position: start, message: "unterminated array (missing ']')")
      case ASCII.closeBracket?:
        cursor.advance()
        return .array(elements)
      default:
        break
      }
      elements.append(try parseValue(depth: depth + 1, path: path.appending(index: elements.count)))
      try skipArrayFiller()
      switch cursor.current {
      case ASCII.comma?:
        cursor.advance()
      case ASCII.closeBracket?:
        cursor.advance()
        return .array(elements)
      case nil:
        throw ParseFailure(position: start, message: "unterminated array (missing ']')")
      default:
        throw ParseFailure(
          position: cursor.position,
          message: "expected ',' or ']' in array, found \(cursor.describeCurrent)")
      }
    }
  }

  /// Moves past the blanks, line breaks and comments allowed between array elements.
  private mutating func skipArrayFiller() throws(ParseFailure) {
    while let byte = cursor.current {
      switch byte {
      case ASCII.space, ASCII.tab: cursor.advance()
      case ASCII.lineFeed, ASCII.carriageReturn: try consumeNewline()
      case ASCII.hash: try skipComment()
      default: return
      }
    }
  }

  /// Parses `{ k = v, k = v }`, which must fit on one line and has no trailing comma.
  private mutating func parseInlineTable(depth: Int, path: ValuePath) throws(ParseFailure)
    -> TOMLValue.Kind
  {
    let start = cursor.position
    cursor.advance()
    let table = tree.makeInlineTable(depth: depth, path: path, position: start)
    cursor.skipBlanks()
    if cursor.current == ASCII.closeBrace {
      cursor.advance()
      return .table(tree.freeze(table))
    }
    while true {
      cursor.skipBlanks()
      try rejectInlineTableEnd(start: start)
      let key = try parseKey()
      try expectEquals(after: key)
      try parseAssignment(of: key, in: table)
      cursor.skipBlanks()
      switch cursor.current {
      case ASCII.comma?:
        cursor.advance()
        cursor.skipBlanks()
        if cursor.current == ASCII.closeBrace {
          throw ParseFailure(
            position: cursor.position, message: "trailing comma in inline table")
        }
      case ASCII.closeBrace?:
        cursor.advance()
        return .table(tree.freeze(table))
      default:
        try rejectInlineTableEnd(start: start)
        throw ParseFailure(
          position: cursor.position,
          message: "expected ',' or '}' in inline table, found \(cursor.describeCurrent)")
      }
    }
  }

  /// Rejects a line break or the end of the text inside an inline table.
  private func rejectInlineTableEnd(start: SourcePosition) throws(ParseFailure) {
    switch cursor.current {
    case nil:
      throw ParseFailure(position: start, message: "unterminated inline table (missing '}')")
    case ASCII.lineFeed?, ASCII.carriageReturn?:
      throw ParseFailure(
        position: cursor.position, message: "newline in inline table (it must be on one line)")
    default:
      return
    }
  }
}
