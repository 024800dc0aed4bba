/// A plain-text table with a title, right-aligned numbers and left-aligned text.
struct Table {
  var title: String
  var header: [String]
  var rows: [[String]] = []

  var rendered: String {
    let widths = header.indices.map { column in
      ([header[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
    }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { index, cell in
        let pad = String(repeating: " ", count: widths[index] - cell.count)
        return index == 0 ? cell + pad : pad + cell
      }.joined(separator: "  ")
    }
    let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
    return ([title, line(header), rule] + rows.map(line)).joined(separator: "\n") + "\n"
  }
}

func format(_ value: Double, _ digits: Int = 1) -> String {
  String(format: "%.\(digits)f", value)
}
