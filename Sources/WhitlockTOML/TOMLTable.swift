/// A TOML table: its keys in the order they first appear in the file, and where it was defined.
public struct TOMLTable: Sendable, Equatable {
  /// The entries in file order; every key occurs once.
  public let entries: [TOMLEntry]
  /// The 1-based line of the table's header, of its first dotted key or of its inline `{`;
  /// 0 for the document root.
  public let line: Int
  /// The 1-based column of the header's `[`, of the dotted key part or of the inline `{`;
  /// 0 for the document root.
  public let column: Int

  /// Creates a table; parsing creates these, tests and callers may build their own.
  public init(entries: [TOMLEntry], line: Int, column: Int) {
    self.entries = entries
    self.line = line
    self.column = column
  }

  /// The entry stored under `key`, or nil when the table has no such key.
  public subscript(key: String) -> TOMLEntry? {
    entries.first { $0.key == key }
  }

  /// The keys in file order, e.g. to report keys a configuration does not know.
  public var keys: [String] { entries.map(\.key) }
}
