import Testing

@testable import WhitlockTOML

/// Arrays and inline tables, compared structurally through `render`.
@Suite("Arrays and inline tables")
struct CompoundValueTests {
  static let cases: [(String, String)] = [
    ("[ 1, 2, 3 ]", "[1, 2, 3]"),
    ("[]", "[]"),
    ("[ ]", "[]"),
    ("[1,]", "[1]"),
    (#"[ "red", 'yellow', """green""" ]"#, #"["red", "yellow", "green"]"#),
    ("[ [ 1, 2 ], [3, 4, 5] ]", "[[1, 2], [3, 4, 5]]"),
    (#"[ [ 1, 2 ], ["a", 'b', "c"] ]"#, #"[[1, 2], ["a", "b", "c"]]"#),
    (
      #"[ 0.1, 0.2, 0.5, 1, 2, 5, "mixed", true, 1979-05-27 ]"#,
      #"[0.1, 0.2, 0.5, 1, 2, 5, "mixed", true, dt(1979-05-27)]"#
    ),
    ("[\n  1, # one\n  2,\n\n  # nothing\n  3,   # trailing comma\n]", "[1, 2, 3]"),
    ("[\r\n  1,\r\n  2\r\n]", "[1, 2]"),
    ("[ # comment right after the bracket\n]", "[]"),
    (#"[ { x = 1, y = 2 }, { x = 3 } ]"#, "[{x = 1, y = 2}, {x = 3}]"),
    (#"{ first = "Tom", last = "Preston-Werner" }"#, #"{first = "Tom", last = "Preston-Werner"}"#),
    ("{}", "{}"),
    ("{ }", "{}"),
    ("{ x = 1, y.z = 2, y.w = 3 }", "{x = 1, y = {z = 2, w = 3}}"),
    ("{ a = { b = { c = [1, { d = true }] } } }", "{a = {b = {c = [1, {d = true}]}}}"),
    (#"{ "quoted key" = 1, 'lit.key' = 2 }"#, #"{quoted key = 1, lit.key = 2}"#),
    ("{ a = [\n 1,\n 2 ] }", "{a = [1, 2]}"),
  ]

  @Test("arrays and inline tables", arguments: cases)
  func compound(source: String, expected: String) {
    let value = parse("v = \(source)\nafter = 0").flatMap { lookup($0.root, "v") }
    #expect(value.map(render) == expected)
  }

  @Test("array and table type names and accessors")
  func typeNames() {
    guard let document = parse("a = [1]\nt = { k = 1 }") else { return }
    #expect(lookup(document.root, "a")?.typeName == "array")
    #expect(lookup(document.root, "a")?.arrayValue?.count == 1)
    #expect(lookup(document.root, "t")?.typeName == "table")
    #expect(lookup(document.root, "t")?.tableValue?.keys == ["k"])
  }
}
