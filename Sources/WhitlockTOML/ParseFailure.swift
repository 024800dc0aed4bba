/// A 1-based line and column (in Unicode scalars) in the text being parsed.
struct SourcePosition: Equatable {
  /// The 1-based line.
  var line: Int
  /// The 1-based column, counting Unicode scalars.
  var column: Int

  /// The position used for the document root, which has no place in the text.
  static let none = SourcePosition(line: 0, column: 0)
}

/// An error found while parsing, before the file name is attached by `TOMLDocument.parse`.
struct ParseFailure: Error {
  /// Where the problem is.
  let position: SourcePosition
  /// What is wrong.
  let message: String
}
