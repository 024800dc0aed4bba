import Testing

@testable import WhitlockTOML

/// Exact lines and columns of keys, values and tables.
@Suite("Source positions")
struct PositionTests {
  static let text = """
    # comment
    title = "x"
    [owner]
      name = "Tom"   # indented
      dob = 1979-05-27 07:32:00-08:00
    [a.b]
    c.d = [
      1,
        { "é" = 'é', f = 2 },
    ]
    [[arr]]
    x = 1
      [[ arr ]]
    [arr.sub]
    """

  /// (path of the entry, entry line, entry column, value line, value column)
  static let positions: [(String, Int, Int, Int, Int)] = [
    ("title", 2, 1, 2, 9),
    ("owner", 3, 2, 3, 1),
    ("owner.name", 4, 3, 4, 10),
    ("owner.dob", 5, 3, 5, 9),
    ("a", 6, 2, 6, 1),
    ("a.b", 6, 4, 6, 1),
    ("a.b.c", 7, 1, 7, 1),
    ("a.b.c.d", 7, 3, 7, 7),
    ("a.b.c.d[1].é", 9, 7, 9, 13),
    ("a.b.c.d[1].f", 9, 18, 9, 22),
    ("arr", 11, 3, 11, 1),
    ("arr[0].x", 12, 1, 12, 5),
    ("arr[1].sub", 14, 6, 14, 1),
  ]

  @Test("entry and value positions", arguments: positions)
  func position(path: String, line: Int, column: Int, valueLine: Int, valueColumn: Int) {
    guard let document = parse(Self.text), let found = entry(document.root, path) else {
      Issue.record("no entry at \(path)")
      return
    }
    #expect(found.line == line)
    #expect(found.column == column)
    #expect(found.value.line == valueLine)
    #expect(found.value.column == valueColumn)
  }

  @Test("array elements and array-of-tables elements carry their own positions")
  func elements() {
    guard let document = parse(Self.text) else { return }
    let array = lookup(document.root, "a.b.c.d")?.arrayValue ?? []
    #expect(array.map(\.line) == [8, 9])
    #expect(array.map(\.column) == [3, 5])
    let tables = lookup(document.root, "arr")?.arrayValue ?? []
    #expect(tables.map(\.line) == [11, 13])
    #expect(tables.map(\.column) == [1, 3])
    #expect(tables.compactMap(\.tableValue?.line) == [11, 13])
    #expect(lookup(document.root, "owner")?.tableValue?.line == 3)
    #expect(lookup(document.root, "owner.dob")?.kind == .datetime("1979-05-27 07:32:00-08:00"))
  }

  @Test("a table defined after being implied takes the defining header's position")
  func implicitThenExplicit() {
    guard let document = parse("[x.y]\n\n [x]\nk = 1") else { return }
    #expect(document.root["x"]?.line == 3)
    #expect(document.root["x"]?.column == 3)
    #expect(document.root["x"]?.value.tableValue?.line == 3)
    #expect(document.root["x"]?.value.tableValue?.column == 2)
    #expect(lookup(document.root, "x.y")?.line == 1)
  }

  @Test("CRLF line endings count as one line break; columns count Unicode scalars")
  func lineEndings() {
    guard let document = parse("a = 1\r\n\r\n\"ü→\" = \"é\" \r\nb = 2") else { return }
    #expect(entry(document.root, "ü→")?.line == 3)
    #expect(entry(document.root, "ü→")?.value.column == 8)
    #expect(entry(document.root, "b")?.line == 4)
  }

  @Test("a multi-line string's value starts at its opening quotes; later lines count on")
  func multilineString() {
    guard let document = parse("s = \"\"\"\none\ntwo\"\"\"\nt = '''\n\n'''\nu = 1") else { return }
    #expect(entry(document.root, "s")?.value.line == 1)
    #expect(entry(document.root, "t")?.line == 4)
    #expect(entry(document.root, "u")?.line == 7)
  }

  @Test("error description is file:line:column: message")
  func errorDescription() {
    let error = parseError("a = 1\n\n[t]\nb = x")
    #expect(error?.description == "test.toml:4:5: invalid value 'x' (strings must be quoted)")
    #expect(error?.fileName == "test.toml")
    let made = TOMLError(fileName: "/etc/w.toml", line: 14, column: 1, message: "bad")
    #expect(made.description == "/etc/w.toml:14:1: bad")
  }
}
