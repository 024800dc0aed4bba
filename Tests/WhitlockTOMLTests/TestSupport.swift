import Testing

@testable import WhitlockTOML

/// Parses `text` as "test.toml", recording an issue (and returning nil) when it fails.
func parse(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> TOMLDocument? {
  do {
    return try TOMLDocument.parse(text, fileName: "test.toml")
  } catch {
    Issue.record("unexpected error: \(error)", sourceLocation: sourceLocation)
    return nil
  }
}

/// Parses `text` expecting failure and returns the error, recording an issue when it succeeds.
func parseError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> TOMLError? {
  do {
    let document = try TOMLDocument.parse(text, fileName: "test.toml")
    Issue.record("expected an error, got \(render(document.root))", sourceLocation: sourceLocation)
    return nil
  } catch {
    return error
  }
}

/// Follows a path such as `instrument[1].simulation.seed` from `table`.
func lookup(_ table: TOMLTable, _ path: String) -> TOMLValue? {
  var value = TOMLValue(kind: .table(table), line: 0, column: 0)
  for part in path.split(separator: ".") {
    let pieces = part.split(separator: "[")
    guard let key = pieces.first, let entry = value.tableValue?[String(key)] else { return nil }
    value = entry.value
    for index in pieces.dropFirst() {
      guard let number = Int(index.dropLast()), let array = value.arrayValue,
        array.indices.contains(number)
      else { return nil }
      value = array[number]
    }
  }
  return value
}

/// The entry at a path such as `instrument[1].simulation.seed` (the last part is the key).
func entry(_ table: TOMLTable, _ path: String) -> TOMLEntry? {
  guard let dot = path.lastIndex(of: ".") else { return table[path] }
  return lookup(table, String(path[..<dot]))?.tableValue?[String(path[path.index(after: dot)...])]
}

/// A compact rendering of a value without positions, for comparing structure.
func render(_ value: TOMLValue) -> String {
  switch value.kind {
  case .string(let text): "\"\(text)\""
  case .integer(let number): "\(number)"
  case .float(let number): "\(number)"
  case .boolean(let flag): "\(flag)"
  case .datetime(let text): "dt(\(text))"
  case .array(let elements): "[" + elements.map(render).joined(separator: ", ") + "]"
  case .table(let table): render(table)
  }
}

/// A compact rendering of a table without positions: `{a = 1, b = {c = "x"}}`.
func render(_ table: TOMLTable) -> String {
  "{" + table.entries.map { "\($0.key) = \(render($0.value))" }.joined(separator: ", ") + "}"
}
