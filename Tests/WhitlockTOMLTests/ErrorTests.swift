import Testing

@testable import WhitlockTOML

/// One invalid document and where and how it must be reported.
struct ErrorCase: Sendable, CustomTestStringConvertible {
  let text: String
  let line: Int
  let column: Int
  let message: String

  init(_ text: String, _ line: Int, _ column: Int, _ message: String) {
    self.text = text
    self.line = line
    self.column = column
    self.message = message
  }

  var testDescription: String { message + ": " + String(reflecting: text) }
}

/// Every class of error, with its exact line and column and a message substring.
@Suite("Errors")
struct ErrorTests {
  static let keysAndTables: [ErrorCase] = [
    ErrorCase("a = 1\nb = 2\na = 3", 3, 1, "duplicate key 'a' (first defined at line 1)"),
    ErrorCase("[t]\nx = 1\n  x = 2", 3, 3, "duplicate key 't.x' (first defined at line 2)"),
    ErrorCase("a.b = 1\na.b = 2", 2, 3, "duplicate key 'a.b'"),
    ErrorCase("\"a\" = 1\n'a' = 2", 2, 1, "duplicate key 'a'"),
    ErrorCase("a = 1\na.b = 2", 2, 1, "key 'a' is already an integer (line 1), not a table"),
    ErrorCase("a = 1\n[a.b]", 2, 2, "key 'a' is already an integer"),
    ErrorCase("[a]\nx = 1\n[a]", 3, 2, "table 'a' is defined more than once (first at line 1)"),
    ErrorCase("[a.b]\n[a]\n[a]", 3, 2, "table 'a' is defined more than once (first at line 2)"),
    ErrorCase("[a.b]\n[a.b]", 2, 4, "table 'a.b' is defined more than once"),
    ErrorCase("[t]\na = 1\n[t.a]", 3, 4, "key 't.a' is already an integer"),
    ErrorCase("a.b = 1\n[a]", 2, 2, "table 'a' is already defined by dotted keys (line 1)"),
    ErrorCase("[x]\na.b = 1\n[x.a]", 3, 4, "table 'x.a' is already defined by dotted keys"),
    ErrorCase(
      "[a.b]\nx = 1\n[a]\nb.y = 2", 4, 1, "cannot add keys to table 'a.b' with a dotted key"),
    ErrorCase("[a.b.c]\nz = 9\n[a]\nb.c.t = 1", 4, 1, "cannot add keys to table 'a.b'"),
    ErrorCase("a = { x = 1 }\na.y = 2", 2, 1, "cannot extend inline table 'a' (defined at line 1)"),
    ErrorCase("a = { x = 1 }\n[a]", 2, 2, "cannot extend inline table 'a'"),
    ErrorCase("a = { b = { c = 1 } }\n[a.b]", 2, 2, "cannot extend inline table 'a'"),
    ErrorCase("a = { b.c = 1 }\n[a.b.d]", 2, 2, "cannot extend inline table 'a'"),
    ErrorCase("[[t]]\nx = {y = 1}\n[t.x.z]", 3, 4, "cannot extend inline table 't[0].x'"),
    ErrorCase("a = { x = 1, x = 2 }", 1, 14, "duplicate key 'a.x'"),
    ErrorCase("a = { b = 1, b.c = 2 }", 1, 14, "key 'a.b' is already an integer"),
    ErrorCase("a = [{ x = 1, x = 2 }]", 1, 15, "duplicate key 'a[0].x'"),
    ErrorCase("[[a]]\n[a]", 2, 2, "'a' is an array of tables (line 1); use [[a]]"),
    ErrorCase("[a]\n[[a]]", 2, 3, "cannot define array of tables 'a': it is already a table"),
    ErrorCase("[a.b]\n[[a]]", 2, 3, "cannot define array of tables 'a': it is already a table"),
    ErrorCase("a = [1]\n[[a]]", 2, 3, "cannot define array of tables 'a': it is already an array"),
    ErrorCase("a = [{x = 1}]\n[a.b]", 2, 2, "key 'a' is already an array (line 1), not a table"),
    ErrorCase("[[a.b]]\n[a]\nb.c = 1", 3, 1, "cannot add keys to array of tables 'a.b'"),
    ErrorCase("a = 1\nb\n", 2, 2, "expected '=' after key 'b', found end of line"),
    ErrorCase("a 1", 1, 3, "expected '=' after key 'a', found '1'"),
    ErrorCase("a.b c = 1", 1, 5, "expected '=' after key 'a.b'"),
    ErrorCase("= 1", 1, 1, "missing key before '='"),
    ErrorCase("a. = 1", 1, 4, "missing key before '='"),
    ErrorCase("\"\"\"k\"\"\" = 1", 1, 3, "expected '=' after key"),
    ErrorCase("a = 1\n$b = 2", 2, 1, "expected a key, found '$'"),
    ErrorCase("é = 1", 1, 1, "expected a key, found 'é' (U+00E9)"),
    ErrorCase("[a", 1, 3, "expected ']' to close the table header, found end of file"),
    ErrorCase("[[a]\nx = 1", 1, 4, "expected ']]' to close the table header"),
    ErrorCase("[[a] ]", 1, 4, "expected ']]'"),
    ErrorCase("[]", 1, 2, "expected a key, found ']'"),
    ErrorCase("[a] x = 1", 1, 5, "unexpected 'x' after table header; expected end of line"),
    ErrorCase("a = 1 2", 1, 7, "unexpected '2' after value; expected end of line"),
    ErrorCase("a = \"x\" y", 1, 9, "unexpected 'y' after value"),
    ErrorCase("a = [1] ]", 1, 9, "unexpected ']' after value"),
    ErrorCase("a = 1 b = 2", 1, 7, "unexpected 'b' after value"),
  ]

  static let values: [ErrorCase] = [
    ErrorCase("a =\n", 1, 4, "missing value for 'a'"),
    ErrorCase("a = # no value", 1, 5, "missing value for 'a'"),
    ErrorCase("[t]\nx.y =", 2, 6, "missing value for 't.x.y'"),
    ErrorCase("a = ?", 1, 5, "expected a value, found '?'"),
    ErrorCase("a = yes", 1, 5, "invalid value 'yes' (strings must be quoted)"),
    ErrorCase("a = True", 1, 5, "invalid value 'True'"),
    ErrorCase("a = .5", 1, 5, "invalid value '.5'"),
    ErrorCase("a = 012", 1, 5, "leading zeros are not allowed in '012'"),
    ErrorCase("a = -01", 1, 5, "leading zeros are not allowed"),
    ErrorCase("a = 00.5", 1, 5, "leading zeros are not allowed"),
    ErrorCase("a = 0_1", 1, 5, "leading zeros are not allowed"),
    ErrorCase("a = 9223372036854775808", 1, 5, "out of range for a 64-bit signed integer"),
    ErrorCase("a = -9223372036854775809", 1, 5, "out of range for a 64-bit signed integer"),
    ErrorCase("a = 0x8000000000000000", 1, 5, "out of range for a 64-bit signed integer"),
    ErrorCase("a = 0b" + String(repeating: "1", count: 64), 1, 5, "out of range"),
    ErrorCase("a = 1e400", 1, 5, "float '1e400' is out of range"),
    ErrorCase("a = 1__0", 1, 5, "underscores must be between digits"),
    ErrorCase("a = 1_", 1, 5, "underscores must be between digits"),
    ErrorCase("a = 0x_1", 1, 5, "underscores must be between digits"),
    ErrorCase("a = 1_.5", 1, 5, "underscores must be between digits"),
    ErrorCase("a = +0x10", 1, 5, "a sign is not allowed on '+0x10'"),
    ErrorCase("a = 0xG", 1, 5, "invalid digit in integer '0xG'"),
    ErrorCase("a = 0o8", 1, 5, "invalid digit"),
    ErrorCase("a = 0b102", 1, 5, "invalid digit"),
    ErrorCase("a = 0x", 1, 5, "missing digits in '0x'"),
    ErrorCase("a = 1.", 1, 5, "invalid number '1.'"),
    ErrorCase("a = 1.e5", 1, 5, "invalid number"),
    ErrorCase("a = 1e", 1, 5, "invalid number"),
    ErrorCase("a = 1.5x", 1, 5, "invalid number"),
    ErrorCase("a = 12abc", 1, 5, "invalid number '12abc'"),
    ErrorCase("a = 1979-13-01", 1, 5, "invalid date-time '1979-13-01'"),
    ErrorCase("a = 1979-02-30", 1, 5, "invalid date-time"),
    ErrorCase("a = 2023-02-29", 1, 5, "invalid date-time"),
    ErrorCase("a = 1979-05-27T25:00:00", 1, 5, "invalid date-time"),
    ErrorCase("a = 07:32", 1, 5, "invalid date-time '07:32'"),
    ErrorCase("a = 07:32:00Z", 1, 5, "invalid date-time"),
    ErrorCase("a = 1979-05-27T07:32:00+25:00", 1, 5, "invalid date-time"),
    ErrorCase("a = 1979-05-27T07:32:00.", 1, 5, "invalid date-time"),
    ErrorCase("a = 1979-05-27 07", 1, 16, "unexpected '0' after value"),
    ErrorCase("a = [1 2]", 1, 8, "expected ',' or ']' in array, found '2'"),
    ErrorCase("a = [,]", 1, 6, "expected a value, found ','"),
    ErrorCase("a = [1,,2]", 1, 8, "expected a value, found ','"),
    ErrorCase("a = [1, 2", 1, 5, "unterminated array (missing ']')"),
    ErrorCase("a = [\n1,\n", 1, 5, "unterminated array"),
    ErrorCase("a = { x = 1,\n y = 2 }", 1, 13, "newline in inline table"),
    ErrorCase("a = {\n}", 1, 6, "newline in inline table"),
    ErrorCase("a = { x = 1, }", 1, 14, "trailing comma in inline table"),
    ErrorCase("a = { x = 1", 1, 5, "unterminated inline table (missing '}')"),
    ErrorCase("a = { x = 1 y = 2 }", 1, 13, "expected ',' or '}' in inline table, found 'y'"),
    ErrorCase("a = { x }", 1, 9, "expected '=' after key 'x'"),
  ]

  static let strings: [ErrorCase] = [
    ErrorCase(#"a = "x\qy""#, 1, 7, #"invalid escape sequence '\q'"#),
    ErrorCase(#"a = "\e""#, 1, 6, #"invalid escape sequence '\e'"#),
    ErrorCase(#"a = "\x41""#, 1, 6, #"invalid escape sequence '\x'"#),
    ErrorCase(#"a = "\ ""#, 1, 6, "invalid escape sequence ' '"),
    ErrorCase(#"a = "\u12G4""#, 1, 6, "invalid Unicode escape: expected 4 hexadecimal digits"),
    ErrorCase(#"a = "\U0000004""#, 1, 6, "expected 8 hexadecimal digits"),
    ErrorCase(#"a = "\uD800""#, 1, 6, "Unicode escape U+D800 is not a Unicode scalar value"),
    ErrorCase(#"a = "\U00110000""#, 1, 6, "U+110000 is not a Unicode scalar value"),
    ErrorCase(#"a = "\"#, 1, 6, "unterminated string"),
    ErrorCase("a = \"\"\"x\\ y\"\"\"", 1, 9, "invalid escape sequence ' '"),
    ErrorCase(#"a = "abc"#, 1, 5, "unterminated string"),
    ErrorCase("a = 'abc", 1, 5, "unterminated string"),
    ErrorCase("a = \"abc\nb = 1", 1, 9, "newline in a single-line string"),
    ErrorCase("a = 'abc\nb = 1", 1, 9, "newline in a single-line string"),
    ErrorCase("a = \"abc\r\n", 1, 9, "newline in a single-line string"),
    ErrorCase("x = 1\na = \"\"\"abc\n\n", 2, 5, "unterminated multi-line string"),
    ErrorCase("a = '''abc''", 1, 5, "unterminated multi-line string"),
    ErrorCase("a = \"\"\"x\"\"\"\"\"\"", 1, 9, "too many consecutive quotes"),
    ErrorCase("a = '''x''''''", 1, 9, "too many consecutive quotes"),
    ErrorCase("a = \"x\u{1}y\"", 1, 7, "control character U+0001 must be escaped in a string"),
    ErrorCase("a = 'x\u{7F}'", 1, 7, "control character U+007F must be escaped"),
    ErrorCase("a = \"\"\"\n\u{1B}\"\"\"", 2, 1, "control character U+001B must be escaped"),
    ErrorCase("a = '''\n\u{0}'''", 2, 1, "control character U+0000 must be escaped"),
    ErrorCase("a = \"\u{0}\"", 1, 6, "control character U+0000 must be escaped"),
    ErrorCase(
      "# fine\n# bad \u{7F}\n", 2, 7, "control character U+007F is not allowed in a comment"),
    ErrorCase("a = 1 # \u{0}", 1, 9, "control character U+0000 is not allowed in a comment"),
    ErrorCase("\u{0}", 1, 1, "expected a key, found control character U+0000"),
    ErrorCase("a = 1\u{0}", 1, 6, "unexpected control character U+0000 after value"),
  ]

  static let carriageReturns: [ErrorCase] = [
    ErrorCase("a = 1\rb = 2", 1, 6, "carriage return not followed by a line feed"),
    ErrorCase("\r", 1, 1, "carriage return not followed by a line feed"),
    ErrorCase("# comment\r", 1, 10, "carriage return not followed by a line feed"),
    ErrorCase("a = \"\"\"x\ry\"\"\"", 1, 9, "carriage return not followed by a line feed"),
    ErrorCase("a = '''x\r'''", 1, 9, "carriage return not followed by a line feed"),
    ErrorCase("a = [\r1]", 1, 6, "carriage return not followed by a line feed"),
    ErrorCase("a = \"\"\"x\\\r  y\"\"\"", 1, 9, "invalid escape sequence carriage return"),
    ErrorCase("a = \"x\ry\"", 1, 7, "newline in a single-line string"),
  ]

  @Test("key and table errors", arguments: keysAndTables)
  func keyAndTable(_ testCase: ErrorCase) { check(testCase) }

  @Test("value errors", arguments: values)
  func value(_ testCase: ErrorCase) { check(testCase) }

  @Test("string, control character and comment errors", arguments: strings)
  func string(_ testCase: ErrorCase) { check(testCase) }

  @Test("lone carriage returns", arguments: carriageReturns)
  func carriageReturn(_ testCase: ErrorCase) { check(testCase) }

  private func check(_ testCase: ErrorCase) {
    guard let error = parseError(testCase.text) else { return }
    #expect(error.line == testCase.line, "\(error)")
    #expect(error.column == testCase.column, "\(error)")
    #expect(error.message.contains(testCase.message), "\(error)")
    #expect(error.description.hasPrefix("test.toml:\(testCase.line):\(testCase.column): "))
  }
}
