/// Keys: bare (`server_1`), quoted (`"a b"`, `'c:\d'`) and dotted (`a . "b" . c`).
extension Parser {
  /// Parses a possibly dotted key at the cursor and the blanks after it.
  mutating func parseKey() throws(ParseFailure) -> [KeyComponent] {
    var components: [KeyComponent] = []
    while true {
      let position = cursor.position
      let name: String
      switch cursor.current {
      case ASCII.quote?:
        name = try parseBasicString()
      case ASCII.apostrophe?:
        name = try parseLiteralString()
      case let byte? where ASCII.isBareKey(byte):
        let start = cursor.offset
        while let next = cursor.current, ASCII.isBareKey(next) { cursor.advance() }
        name = String(decoding: cursor.bytes[start..<cursor.offset], as: UTF8.self)
      default:
        let message =
          cursor.current == ASCII.equals
          ? "missing key before '='" : "expected a key, found \(cursor.describeCurrent)"
        throw ParseFailure(position: position, message: message)
      }
      components.append(KeyComponent(name: name, position: position))
      guard components.count <= maximumDepth else {
        throw ParseFailure(
          position: position, message: "key has more than \(maximumDepth) dotted parts")
      }
      cursor.skipBlanks()
      guard cursor.current == ASCII.dot else { return components }
      cursor.advance()
      cursor.skipBlanks()
    }
  }
}
