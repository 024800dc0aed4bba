import Testing

@testable import WhitlockTOML

/// Keys, tables, dotted keys and arrays of tables, including the combinations TOML allows.
@Suite("Tables and keys")
struct TableTests {
  static let documents: [(String, String)] = [
    ("", "{}"),
    ("# only a comment\n\n   \t\n", "{}"),
    ("\u{FEFF}a = 1", "{a = 1}"),
    ("key = 1\nbare_key-2 = 2\n1234 = 3\n", "{key = 1, bare_key-2 = 2, 1234 = 3}"),
    (
      #""127.0.0.1" = 1"# + "\n" + #""ʎǝʞ" = 2"# + "\n'quoted \"v\"' = 3\n\"\" = 4",
      #"{127.0.0.1 = 1, ʎǝʞ = 2, quoted "v" = 3,  = 4}"#
    ),
    ("a . b . \"c\" = 1\na.d = 2", "{a = {b = {c = 1}, d = 2}}"),
    ("3.14159 = \"pi\"", #"{3 = {14159 = "pi"}}"#),
    ("[table]\nx = 1\n[other]\ny = 2", "{table = {x = 1}, other = {y = 2}}"),
    ("[ a . \"b c\" . 'd' ]\nx = 1", "{a = {b c = {d = {x = 1}}}}"),
    ("[x.y.z.w]\n[x]\na = 1", "{x = {y = {z = {w = {}}}, a = 1}}"),
    ("[a.b]\nc = 1\n[a]\nd = 2", "{a = {b = {c = 1}, d = 2}}"),
    (
      "[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n"
        + "[fruit.apple.texture]\nsmooth = true",
      #"{fruit = {apple = {color = "red", taste = {sweet = true}, "#
        + #"texture = {smooth = true}}}}"#
    ),
    ("a.b.c = 1\n[a.d]\ne = 2", "{a = {b = {c = 1}, d = {e = 2}}}"),
    ("[[p]]\nn = 1\n[[p]]\n[[p]]\nn = 3", "{p = [{n = 1}, {}, {n = 3}]}"),
    (
      "[[fruit]]\nname = \"apple\"\n[fruit.physical]\ncolor = \"red\"\n[[fruit.variety]]\n"
        + "name = \"red delicious\"\n[[fruit.variety]]\nname = \"granny smith\"\n"
        + "[[fruit]]\nname = \"banana\"\n[[fruit.variety]]\nname = \"plantain\"",
      #"{fruit = [{name = "apple", physical = {color = "red"}, "#
        + #"variety = [{name = "red delicious"}, {name = "granny smith"}]}, "#
        + #"{name = "banana", variety = [{name = "plantain"}]}]}"#
    ),
    ("[a]\n[[a.b]]\nx = 1\n[a.b.c]\ny = 2\n[[a.b]]", "{a = {b = [{x = 1, c = {y = 2}}, {}]}}"),
    ("[[a.b]]\nx = 1\n[a]\ny = 2", "{a = {b = [{x = 1}], y = 2}}"),
    ("[[a]]\nb.c = 1\n[[a]]\nb.c = 2", "{a = [{b = {c = 1}}, {b = {c = 2}}]}"),
    ("a = 1 # trailing comment\n[t] # header comment\nb = 2", "{a = 1, t = {b = 2}}"),
    ("a = 1\r\n[t]\r\nb = 2\r\n", "{a = 1, t = {b = 2}}"),
    ("\ta\t=\t1\t\n  [  t  ]  \n", "{a = 1, t = {}}"),
  ]

  @Test("documents", arguments: documents)
  func document(source: String, expected: String) {
    #expect(parse(source).map { render($0.root) } == expected)
  }

  @Test("entries keep file order and subscripts find them")
  func order() {
    guard let document = parse("z = 1\na = 2\n[m]\n[b]\nk = 3") else { return }
    #expect(document.root.keys == ["z", "a", "m", "b"])
    #expect(document.root["a"]?.value.integerValue == 2)
    #expect(document.root["missing"] == nil)
    #expect(document.root.line == 0)
    #expect(document.root.column == 0)
    #expect(document.fileName == "test.toml")
  }
}
