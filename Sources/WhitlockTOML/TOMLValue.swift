/// A TOML value with the line and column where it starts, so that a configuration layer can say
/// exactly which value it rejects.
public struct TOMLValue: Sendable, Equatable {
  /// The value itself.
  public enum Kind: Sendable, Equatable {
    /// A basic or literal string, single- or multi-line, with escapes resolved.
    case string(String)
    /// A decimal, hexadecimal, octal or binary integer.
    case integer(Int64)
    /// A floating-point number, including `inf` and `nan`.
    case float(Double)
    /// `true` or `false`.
    case boolean(Bool)
    /// An offset or local date-time, local date or local time, kept exactly as written after its
    /// shape and field ranges were checked.
    case datetime(String)
    /// An array (including an array of tables), elements in file order.
    case array([TOMLValue])
    /// A table: a `[header]` table, one element of `[[header]]`, a dotted-key table or an inline
    /// table.
    case table(TOMLTable)
  }

  /// The value itself.
  public let kind: Kind
  /// The 1-based line where the value starts.
  public let line: Int
  /// The 1-based column (in Unicode scalars) where the value starts.
  public let column: Int

  /// Creates a value; parsing creates these, tests and callers may build their own.
  public init(kind: Kind, line: Int, column: Int) {
    self.kind = kind
    self.line = line
    self.column = column
  }

  /// The TOML name of the value's type ("string", "integer", "float", "boolean", "datetime",
  /// "array", "table"), for messages like "expected a number, got a string".
  public var typeName: String {
    switch kind {
    case .string: "string"
    case .integer: "integer"
    case .float: "float"
    case .boolean: "boolean"
    case .datetime: "datetime"
    case .array: "array"
    case .table: "table"
    }
  }
}
