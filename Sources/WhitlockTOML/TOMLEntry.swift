/// One key of a table together with its value and the place in the file where the key was written.
public struct TOMLEntry: Sendable, Equatable {
  /// The key, unquoted and with escapes resolved; for a dotted key only its own part.
  public let key: String
  /// The value stored under the key.
  public let value: TOMLValue
  /// The 1-based line where the key is written (for tables: in the header that defines them).
  public let line: Int
  /// The 1-based column (in Unicode scalars) of the key's first character or opening quote.
  public let column: Int

  /// Creates an entry; parsing creates these, tests and callers may build their own.
  public init(key: String, value: TOMLValue, line: Int, column: Int) {
    self.key = key
    self.value = value
    self.line = line
    self.column = column
  }
}
