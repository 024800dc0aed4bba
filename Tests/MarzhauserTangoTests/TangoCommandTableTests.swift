import MarzhauserTango
import Testing

/// Host → controller lines of the TANGO protocol, byte for byte, both ways.
@Suite struct TangoCommandTableTests {
  static let table: [(TangoCommand, [UInt8])] = [
    (.clearInput, [0x0D]),
    (.autostatus(false), Array("!autostatus 0".utf8) + [0x0D]),
    (.autostatus(true), Array("!autostatus 1".utf8) + [0x0D]),
    (.version, [0x3F, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6F, 0x6E, 0x0D]),
    (.micrometreUnits, Array("!dim 1 1".utf8) + [0x0D]),
    (.moveAbsolute(x: 100, y: 200.5), Array("!moa 100.000 200.500".utf8) + [0x0D]),
    (.moveAbsolute(x: -0.0004, y: -12.3456), Array("!moa 0.000 -12.346".utf8) + [0x0D]),
    (.moveRelative(x: 1, y: -1), Array("!mor 1.000 -1.000".utf8) + [0x0D]),
    (.position, Array("?pos".utf8) + [0x0D]),
    (.statusAxis, Array("?statusaxis".utf8) + [0x0D]),
    (.lastError, Array("?err".utf8) + [0x0D]),
    (.abort, [0x21, 0x61, 0x0D]),
    (.limits(axis: "x"), Array("?lim x".utf8) + [0x0D]),
    (.limits(axis: "y"), Array("?lim y".utf8) + [0x0D]),
  ]

  @Test(arguments: table.indices)
  func encodes(index: Int) {
    let (command, bytes) = Self.table[index]
    #expect(command.encoded == bytes)
  }

  /// Parsing what was encoded gives the command back (numbers at the printed precision).
  @Test(arguments: table.indices)
  func parsesBack(index: Int) throws {
    let (command, bytes) = Self.table[index]
    let parsed = try TangoCommand.parse(String(decoding: bytes.dropLast(), as: UTF8.self)).get()
    #expect(parsed.encoded == command.encoded)
  }

  @Test func onlyQuestionsAreAnswered() {
    let asking = Self.table.map(\.0).filter(\.expectsAnswer)
    #expect(asking.map(\.text) == ["?version", "?pos", "?statusaxis", "?err", "?lim x", "?lim y"])
  }

  static let refusals: [(String, TangoErrorCode)] = [
    ("moa 1 2", .prefixMissing), ("?moa 1 2", .prefixMissing), ("!pos", .prefixMissing),
    ("!fly", .invalidInstruction), ("?", .invalidInstruction), ("!moa 1", .wrongNumberOfParameters),
    ("!moa 1 2 3", .wrongNumberOfParameters), ("!moa x 2", .wrongNumberOfParameters),
    ("?pos x", .wrongNumberOfParameters), ("?lim q", .noValidAxisName),
    ("?lim", .wrongNumberOfParameters),
    ("!autostatus 2", .wrongNumberOfParameters), ("!dim 0 0", .wrongNumberOfParameters),
  ]

  @Test(arguments: refusals.indices)
  func malformedLinesAreRefusedWithTheDocumentedNumber(index: Int) {
    let (line, code) = Self.refusals[index]
    #expect(TangoCommand.parse(line) == .failure(code), "\(line)")
  }

  @Test func upperCaseInstructionsAreTheSameInstruction() {
    #expect(TangoCommand.parse("!MOA 1 2") == .success(.moveAbsolute(x: 1, y: 2)))
    #expect(TangoCommand.parse("!moa  1   2") == .success(.moveAbsolute(x: 1, y: 2)))
  }
}
