/// A parsed TOML file: its root table, every key and value carrying its line and column, and the
/// file name used in error messages.
public struct TOMLDocument: Sendable, Equatable {
  /// The deepest nesting of tables, arrays and inline tables accepted, so hostile input cannot
  /// exhaust the stack while parsing or when the document is later walked or released.
  public static let maximumDepth = 100

  /// The file name the text was read from, as given to `parse(_:fileName:)`.
  public let fileName: String
  /// The top-level table; its `line` and `column` are 0.
  public let root: TOMLTable

  /// Parses a whole TOML 1.0 text. Errors carry `fileName`, the line and column of the problem.
  ///
  /// Bounding the size of `text` is the caller's job; nesting depth is bounded here.
  public static func parse(_ text: String, fileName: String) throws(TOMLError) -> TOMLDocument {
    var parser = Parser(text: text, maximumDepth: maximumDepth)
    do {
      let root = try parser.parseDocument()
      return TOMLDocument(fileName: fileName, root: root)
    } catch {
      throw TOMLError(
        fileName: fileName, line: error.position.line, column: error.position.column,
        message: error.message)
    }
  }
}
