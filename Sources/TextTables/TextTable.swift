/// A plain-text table whose columns are padded to their widest cell, for terminal output.
///
/// The one table renderer of the project: `whitlockctl` lists devices and status with it, the
/// benchmarks print their figures with it. It lives in a target of its own, depending on
/// nothing, so that the benchmarks can use it without linking the CLI's code and the CLI without
/// linking benchmark code. The docs quote its output, so a layout's bytes must not change.
public struct TextTable: Sendable, Hashable {
  /// How cells are aligned and whether a rule separates the headings from the rows.
  public enum Layout: Sendable, Hashable {
    /// Every column left-aligned, no rule, no padding after a row's last cell: listings such as
    /// `whitlockctl devices`.
    case listing
    /// The first column left-aligned and the others right-aligned (numbers line up on their last
    /// digit), every cell padded, a rule of dashes under the headings: benchmark figures.
    case figures
  }

  /// A line printed above the headings, if any.
  public var title: String?
  /// The column headings.
  public var headers: [String]
  /// The rows; each has one cell per heading.
  public var rows: [[String]]
  /// Alignment and rule.
  public var layout: Layout

  /// Creates a table.
  public init(
    title: String? = nil, layout: Layout = .listing, headers: [String], rows: [[String]] = []
  ) {
    self.title = title
    self.headers = headers
    self.rows = rows
    self.layout = layout
  }

  /// Appends a row.
  public mutating func add(_ row: [String]) { rows.append(row) }

  /// The table as lines joined by newlines, two spaces between columns, no trailing newline.
  /// Cells beyond the headings' count are printed as they are and do not widen any column.
  public func render() -> String {
    var widths = headers.map(\.count)
    for row in rows {
      for (index, cell) in row.enumerated() where index < widths.count {
        widths[index] = max(widths[index], cell.count)
      }
    }
    var lines: [String] = []
    if let title { lines.append(title) }
    switch layout {
    case .listing:
      lines += ([headers] + rows).map { Self.listingLine($0, widths: widths) }
    case .figures:
      lines.append(Self.figuresLine(headers, widths: widths))
      lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
      lines += rows.map { Self.figuresLine($0, widths: widths) }
    }
    return lines.joined(separator: "\n")
  }

  /// Left-aligned cells, each but the last padded to its column.
  private static func listingLine(_ row: [String], widths: [Int]) -> String {
    var line = ""
    for (index, cell) in row.enumerated() {
      line += cell
      if index < row.count - 1 {
        let width = index < widths.count ? widths[index] : cell.count
        line += String(repeating: " ", count: width - cell.count + 2)
      }
    }
    return line
  }

  /// The first cell left-aligned, the others right-aligned, every one padded to its column.
  private static func figuresLine(_ row: [String], widths: [Int]) -> String {
    row.enumerated().map { index, cell in
      let width = index < widths.count ? widths[index] : cell.count
      let pad = String(repeating: " ", count: width - cell.count)
      return index == 0 ? cell + pad : pad + cell
    }.joined(separator: "  ")
  }
}
