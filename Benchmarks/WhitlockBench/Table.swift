/// A plain text table with right-aligned numeric columns.
struct Table {
  var header: [String]
  var rows: [[String]] = []

  mutating func add(_ row: [String]) { rows.append(row) }

  func render() -> String {
    var widths = header.map(\.count)
    for row in rows {
      for (column, cell) in row.enumerated() where column < widths.count {
        widths[column] = max(widths[column], cell.count)
      }
    }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { column, cell in
        let pad = String(repeating: " ", count: widths[column] - cell.count)
        return column == 0 ? cell + pad : pad + cell
      }.joined(separator: "  ")
    }
    let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
    return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
  }
}

/// Fixed-point formatting without Foundation's locale machinery.
func format(_ value: Double, _ decimals: Int = 3) -> String {
  guard value.isFinite else { return "n/a" }
  var scale = 1.0
  for _ in 0..<decimals { scale *= 10 }
  let rounded = (abs(value) * scale).rounded()
  let whole = Int(rounded / scale)
  let fraction = Int(rounded - Double(whole) * scale)
  var digits = String(fraction)
  while digits.count < decimals { digits = "0" + digits }
  return (value < 0 && rounded > 0 ? "-" : "") + String(whole) + (decimals > 0 ? "." + digits : "")
}
