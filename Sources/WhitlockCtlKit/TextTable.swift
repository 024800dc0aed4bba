/// A plain-text table whose columns are padded to their widest cell, for terminal output.
public struct TextTable: Sendable, Hashable {
  /// The column headings.
  public var headers: [String]
  /// The rows; each has one cell per heading.
  public var rows: [[String]]

  /// Creates a table.
  public init(headers: [String], rows: [[String]] = []) {
    self.headers = headers
    self.rows = rows
  }

  /// The table as lines joined by newlines, two spaces between columns, no trailing spaces.
  public func render() -> String {
    var widths = headers.map(\.count)
    for row in rows {
      for (index, cell) in row.enumerated() where index < widths.count {
        widths[index] = max(widths[index], cell.count)
      }
    }
    let lines = ([headers] + rows).map { row -> String in
      var line = ""
      for (index, cell) in row.enumerated() {
        line += cell
        if index < row.count - 1 {
          line += String(repeating: " ", count: widths[index] - cell.count + 2)
        }
      }
      return line
    }
    return lines.joined(separator: "\n")
  }
}
