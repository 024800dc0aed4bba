import Testing

@testable import WhitlockTOML

#if canImport(Glibc)
  import Glibc
#endif

/// Input meant to crash, hang or exhaust the stack must produce an error or a document, quickly.
@Suite("Hostile input")
struct HostileInputTests {
  @Test("10,000 nested arrays give an error, not a stack overflow")
  func deepArrays() {
    let error = parseError("a=" + String(repeating: "[", count: 10_000))
    #expect(error?.line == 1)
    #expect(error?.column == 103)
    #expect(error?.message == "values nested deeper than 100 levels")
  }

  @Test("10,000 nested inline tables give an error")
  func deepInlineTables() {
    let error = parseError("a=" + String(repeating: "{b=", count: 10_000))
    #expect(error?.column == 303)
    #expect(error?.message == "values nested deeper than 100 levels")
  }

  @Test("alternating arrays and inline tables nest no deeper than the limit")
  func deepMixed() {
    let error = parseError("a=" + String(repeating: "[{b=", count: 5_000))
    #expect(error?.message.contains("nested deeper than 100 levels") == true)
  }

  @Test("nesting up to the limit is accepted")
  func atTheLimit() {
    let depth = TOMLDocument.maximumDepth
    let text = "a=" + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    var value = parse(text).flatMap { lookup($0.root, "a") }
    var levels = 0
    while let inner = value?.arrayValue {
      levels += 1
      value = inner.first
    }
    #expect(levels == depth)
  }

  @Test("10,000-part dotted keys and headers give an error")
  func longDottedKeys() {
    let parts = String(repeating: "a.", count: 10_000) + "a"
    for text in [parts + " = 1", "[" + parts + "]", "[[" + parts + "]]", "x = {" + parts + " = 1}"]
    {
      let error = parseError(text)
      #expect(error?.message == "key has more than 100 dotted parts")
    }
    #expect(parseError(parts + " = 1")?.column == 201)
  }

  @Test("headers and dotted keys together cannot nest tables past the limit")
  func deepTablesCombined() {
    let header = "[" + Array(repeating: "h", count: 60).joined(separator: ".") + "]"
    let dotted = Array(repeating: "d", count: 60).joined(separator: ".") + " = 1"
    let error = parseError(header + "\n" + dotted)
    #expect(error?.line == 2)
    #expect(error?.column == 81)
    #expect(error?.message == "tables nested deeper than 100 levels")
  }

  @Test("a one-million-character line parses and columns stay exact")
  func longLine() {
    let long = String(repeating: "x", count: 1_000_000)
    #expect(
      parse("a = \"\(long)\"").flatMap { lookup($0.root, "a")?.stringValue?.count } == 1_000_000)
    let error = parseError("a = \"\(long)\" z")
    #expect(error?.column == 1_000_008)
  }

  @Test("large arrays, tables and arrays of tables parse in reasonable time")
  func largeDocuments() {
    let array = "a = [" + String(repeating: "1,", count: 100_000) + "]"
    #expect(parse(array).flatMap { lookup($0.root, "a")?.arrayValue?.count } == 100_000)
    let keys = (0..<20_000).map { "k\($0) = \($0)" }.joined(separator: "\n")
    #expect(parse(keys)?.root.entries.count == 20_000)
    let tables = String(repeating: "[[t]]\nx = 1\n", count: 10_000)
    #expect(parse(tables).flatMap { lookup($0.root, "t")?.arrayValue?.count } == 10_000)
  }

  /// Copying the key per use would make this quadratic: 5 GB of copies, minutes of CPU. The
  /// bound is on this thread's CPU time, which other tests running beside it do not inflate
  /// (a wall-clock limit did, in the full parallel suite); it takes about a second.
  @Test("a 100 KB key repeated by many elements and lines costs linear time")
  func longKeyManyUses() {
    let started = Self.threadCPUSeconds()
    let key = String(repeating: "k", count: 100_000)
    let inline = key + " = [" + String(repeating: "{},", count: 50_000) + "]"
    #expect(parse(inline).flatMap { lookup($0.root, key)?.arrayValue?.count } == 50_000)
    let lines = (0..<50_000).map { "d.k\($0) = 1" }.joined(separator: "\n")
    let dotted = parse("[" + key + "]\n" + lines)
    #expect(dotted.flatMap { lookup($0.root, key + ".d")?.tableValue?.entries.count } == 50_000)
    let used = Self.threadCPUSeconds() - started
    #expect(used < 30, "\(used) CPU-seconds")
  }

  private static func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
  }

  @Test("NUL bytes anywhere are rejected")
  func nulBytes() {
    let texts = [
      "\u{0}", "a\u{0} = 1", "a = \u{0}", "a = 1\u{0}", "# \u{0}", "a = '\u{0}'",
      "a = \"\"\"\u{0}\"\"\"", "[\u{0}]", "a = [\u{0}]", "a = {\u{0}}",
      String(repeating: "\u{0}", count: 10_000),
    ]
    for text in texts {
      let error = parseError(text)
      #expect(error?.line == 1, "\(String(reflecting: text))")
    }
  }

  @Test("random token soup never crashes and errors point inside the text")
  func randomSoup() {
    let pieces = [
      "[", "]", "[[", "]]", "{", "}", "\"", "'", "\"\"\"", "'''", "=", ".", ",", "#", "\n", "\r",
      "\r\n", " ", "\t", "\\", "\\u", "a", "b", "1", "0", "0x", "e", "-", "+", "_", ":", "T", "Z",
      "\u{0}", "é", "true", "inf", "nan", "1979-05-27", "07:32:00", " = ", "a.b", "x = 1\n",
    ]
    var generator = SplitMix64(seed: 0x5EED)
    for _ in 0..<5_000 {
      let count = Int(generator.next() % 40)
      let text = (0..<count).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }
        .joined()
      checkNoCrash(text)
    }
  }

  @Test("every prefix and every single-character deletion of a rich document is handled")
  func mutations() {
    let scalars = Array(WhitlockConfigTests.rich.unicodeScalars)
    for length in 0...scalars.count {
      checkNoCrash(String(String.UnicodeScalarView(scalars[..<length])))
    }
    for index in scalars.indices {
      var mutated = scalars
      mutated.remove(at: index)
      checkNoCrash(String(String.UnicodeScalarView(mutated)))
    }
  }

  /// Parses `text`; on failure the error must lie within the text.
  private func checkNoCrash(_ text: String) {
    do {
      _ = try TOMLDocument.parse(text, fileName: "fuzz.toml")
    } catch {
      var lines = 1
      var previous: UInt8 = 0
      for byte in text.utf8 {
        if byte == 0x0A || (previous == 0x0D && byte != 0x0A) { lines += 1 }
        previous = byte
      }
      #expect(error.line >= 1 && error.line <= lines, "\(error) in \(String(reflecting: text))")
      #expect(error.column >= 1, "\(error) in \(String(reflecting: text))")
      #expect(!error.message.isEmpty)
    }
  }
}

/// A small deterministic pseudo-random generator, so the random test is reproducible.
struct SplitMix64 {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var mixed = state
    mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
    mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
    return mixed ^ (mixed >> 31)
  }
}
