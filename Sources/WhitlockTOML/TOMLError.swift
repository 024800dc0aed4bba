/// Why a TOML text could not be parsed (or, for callers validating a parsed document, why a value
/// is unacceptable), located at a file, line and column so the message points the user at the
/// exact spot to fix.
public struct TOMLError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file name given to `TOMLDocument.parse(_:fileName:)`, repeated in the description.
  public let fileName: String
  /// The 1-based line of the problem; 0 when the problem is not tied to a line.
  public let line: Int
  /// The 1-based column (in Unicode scalars) of the problem; 0 when not tied to a column.
  public let column: Int
  /// What is wrong, without the location prefix.
  public let message: String

  /// Creates an error; public so that configuration layers can report their own findings in the
  /// same `file:line:column: message` form, using a `TOMLEntry`'s or `TOMLValue`'s position.
  public init(fileName: String, line: Int, column: Int, message: String) {
    self.fileName = fileName
    self.line = line
    self.column = column
    self.message = message
  }

  /// `file:line:column: message`, the form compilers use, so editors can jump to the spot.
  public var description: String { "\(fileName):\(line):\(column): \(message)" }
}
