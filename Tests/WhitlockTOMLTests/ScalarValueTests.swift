import Testing

@testable import WhitlockTOML

/// Every scalar value form TOML 1.0 allows, checked against the exact value produced.
@Suite("Scalar values")
struct ScalarValueTests {
  static let strings: [(String, String)] = [
    (#""hello""#, "hello"),
    ("\"\"", ""),
    (#""\b\t\n\f\r\"\\""#, "\u{8}\t\n\u{C}\r\"\\"),
    (#""\u00E9\U0001F600 \u0041""#, "é😀 A"),
    ("\"tab\there\"", "tab\there"),
    (#""Grüße ☃""#, "Grüße ☃"),
    (#"'C:\Users\nodejs\templates'"#, #"C:\Users\nodejs\templates"#),
    (#"'<\i\c*\s*>'"#, #"<\i\c*\s*>"#),
    ("''", ""),
    ("\"\"\"\nline1\nline2\"\"\"", "line1\nline2"),
    ("\"\"\"\r\nline1\r\nline2\"\"\"", "line1\nline2"),
    ("\"\"\"\nThe quick \\\n\n   brown \\   \n  fox.\"\"\"", "The quick brown fox."),
    ("\"\"\"a\\\n\"\"\"", "a"),
    (
      "\"\"\"Here are two quotation marks: \"\". Simple.\"\"\"",
      #"Here are two quotation marks: "". Simple."#
    ),
    (
      "\"\"\"\"This,\" she said, \"is pointless.\"\"\"\"\"",
      #""This," she said, "is pointless."""#
    ),
    ("\"\"\"x\\ty\\u00E9\"\"\"", "x\ty\u{E9}"),
    ("'''\nfirst\n  second\\n'''", "first\n  second\\n"),
    (
      #"''''That,' she said, 'is still pointless.''''"#, #"'That,' she said, 'is still pointless.'"#
    ),
    ("'''a''b'''", "a''b"),
  ]

  @Test("strings", arguments: strings)
  func string(source: String, expected: String) {
    let value = parse("v = \(source)").flatMap { lookup($0.root, "v") }
    #expect(value?.kind == .string(expected))
    #expect(value?.stringValue == expected)
    #expect(value?.typeName == "string")
  }

  static let integers: [(String, Int64)] = [
    ("42", 42), ("+99", 99), ("0", 0), ("-0", 0), ("+0", 0), ("-17", -17),
    ("1_000", 1000), ("5_349_221", 5_349_221), ("1_2_3_4_5", 12345),
    ("9223372036854775807", .max), ("-9223372036854775808", .min),
    ("0xDEADBEEF", 0xDEAD_BEEF), ("0xdead_beef", 0xDEAD_BEEF), ("0x00ff", 255),
    ("0x7FFFFFFFFFFFFFFF", .max), ("0o01234567", 0o1234567), ("0o755", 0o755),
    ("0b11010110", 0b1101_0110), ("0b1_0", 2), ("0x0", 0),
  ]

  @Test("integers", arguments: integers)
  func integer(source: String, expected: Int64) {
    let value = parse("v = \(source)").flatMap { lookup($0.root, "v") }
    #expect(value?.kind == .integer(expected))
    #expect(value?.integerValue == expected)
    #expect(value?.numberValue == Double(expected))
    #expect(value?.typeName == "integer")
  }

  static let floats: [(String, Double)] = [
    ("+1.0", 1), ("3.1415", 3.1415), ("-0.01", -0.01), ("5e+22", 5e22), ("1e06", 1e6),
    ("-2E-2", -0.02), ("6.626e-34", 6.626e-34), ("224_617.445_991_228", 224617.445991228),
    ("0.0", 0), ("+0.0", 0), ("0e0", 0), ("1e1_0", 1e10), ("inf", .infinity),
    ("+inf", .infinity), ("-inf", -.infinity), ("1.7976931348623157e308", .greatestFiniteMagnitude),
  ]

  @Test("floats", arguments: floats)
  func float(source: String, expected: Double) {
    let value = parse("v = \(source)").flatMap { lookup($0.root, "v") }
    #expect(value?.kind == .float(expected))
    #expect(value?.floatValue == expected)
    #expect(value?.typeName == "float")
  }

  @Test("negative zero keeps its sign")
  func negativeZero() {
    let value = parse("v = -0.0").flatMap { lookup($0.root, "v")?.floatValue }
    #expect(value == 0)
    #expect(value?.sign == .minus)
  }

  @Test("nan in all three spellings", arguments: ["nan", "+nan", "-nan"])
  func notANumber(source: String) {
    let value = parse("v = \(source)").flatMap { lookup($0.root, "v")?.floatValue }
    #expect(value?.isNaN == true)
  }

  @Test("booleans", arguments: [("true", true), ("false", false)])
  func boolean(source: String, expected: Bool) {
    let value = parse("v = \(source)").flatMap { lookup($0.root, "v") }
    #expect(value?.kind == .boolean(expected))
    #expect(value?.boolValue == expected)
    #expect(value?.typeName == "boolean")
  }

  static let datetimes: [String] = [
    "1979-05-27T07:32:00Z", "1979-05-27T00:32:00-07:00", "1979-05-27T00:32:00.999999-07:00",
    "1979-05-27 07:32:00Z", "1979-05-27t07:32:00z", "1979-05-27T07:32:00", "1979-05-27 07:32:00",
    "1979-05-27T00:32:00.999999", "1979-05-27", "07:32:00", "00:32:00.999999", "2024-02-29",
    "2000-02-29", "1990-12-31T23:59:60Z", "1979-05-27T07:32:00+14:00",
  ]

  @Test("date-times are kept as written", arguments: datetimes)
  func datetime(source: String) {
    let value = parse("v = \(source) # when").flatMap { lookup($0.root, "v") }
    #expect(value?.kind == .datetime(source))
    #expect(value?.datetimeValue == source)
    #expect(value?.typeName == "datetime")
  }

  @Test("accessors return nil for other types")
  func accessorsMismatch() {
    let value = parse("v = \"5\"").flatMap { lookup($0.root, "v") }
    #expect(value?.integerValue == nil)
    #expect(value?.numberValue == nil)
    #expect(value?.floatValue == nil)
    #expect(value?.boolValue == nil)
    #expect(value?.arrayValue == nil)
    #expect(value?.tableValue == nil)
    #expect(value?.datetimeValue == nil)
  }
}
