import Testing

@testable import SpoolShipper

@Suite("COPY text rows")
struct CopyTextRowTests {
  private static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

  @Test("fields are tab-separated, NULL is \\N, the row ends with a newline")
  func layout() {
    var row = CopyTextRow()
    row.append("a5e1c2f0-0000-4000-8000-000000000001")
    row.append(Int64(42))
    row.append(String?.none)
    row.append(true)
    row.append(Bool?.none)
    row.append(Int32(-7))
    row.finish()
    #expect(row.bytes == Self.bytes("a5e1c2f0-0000-4000-8000-000000000001\t42\t\\N\tt\t\\N\t-7\n"))
  }

  @Test(
    "text escapes exactly backslash, tab, newline and carriage return",
    arguments: [
      ("plain", "plain"),
      (#"{"a":"x\"y"}"#, #"{"a":"x\\"y"}"#),
      ("tab\there", #"tab\there"#),
      ("two\nlines\r", #"two\nlines\r"#),
      ("ünïcödé µ", "ünïcödé µ"),
      ("", ""),
    ])
  func escaping(text: String, written: String) {
    var row = CopyTextRow()
    row.append(text)
    #expect(row.bytes == Self.bytes(written))
  }

  @Test("integers, doubles and arrays in the forms PostgreSQL reads back exactly")
  func numbers() {
    var row = CopyTextRow()
    row.append(Int64.min)
    row.append(Int64(0))
    row.append(UInt16(65535))
    row.append(0.1)
    row.append(-2.5e-300)
    row.append(Double.nan)
    row.append(-Double.infinity)
    row.append([780.25, 0.0625, -1.5e-7])
    row.append([Double]?.none)
    row.append([Int32]([0, 65535, -1, Int32.max]))
    row.append([Int32]())
    #expect(
      row.bytes
        == Self.bytes(
          "-9223372036854775808\t0\t65535\t0.1\t-2.5e-300\tNaN\t-Infinity"
            + "\t{780.25,0.0625,-1.5e-07}\t\\N\t{0,65535,-1,2147483647}\t{}"))
  }
}
