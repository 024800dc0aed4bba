import PriorProScan
import Testing

/// Host → controller lines of the ProScan protocol, byte for byte, both ways.
@Suite struct ProScanCommandTableTests {
  /// Every command the driver and the emulator know, with its exact bytes (CR = 0x0D).
  static let table: [(ProScanCommand, [UInt8])] = [
    (.compatibilityMode, [0x43, 0x4F, 0x4D, 0x50, 0x0D]),
    (.setCompatibilityMode(false), Array("COMP,0".utf8) + [0x0D]),
    (.setCompatibilityMode(true), Array("COMP,1".utf8) + [0x0D]),
    (.moveAbsolute(x: 100, y: 200), [0x47, 0x2C, 0x31, 0x30, 0x30, 0x2C, 0x32, 0x30, 0x30, 0x0D]),
    (.moveAbsolute(x: -5, y: 0), Array("G,-5,0".utf8) + [0x0D]),
    (.moveRelative(x: 7, y: -12), Array("GR,7,-12".utf8) + [0x0D]),
    (.position, [0x50, 0x53, 0x0D]),
    (.setPosition(x: 0, y: 0), Array("PS,0,0".utf8) + [0x0D]),
    (.motionStatus, [0x24, 0x0D]),
    (.kill, [0x4B, 0x0D]),
    (.stageResolution, Array("RES,s".utf8) + [0x0D]),
    (.setStageResolution(0.1), Array("RES,s,0.1".utf8) + [0x0D]),
    (.setStageResolution(1), Array("RES,s,1".utf8) + [0x0D]),
    (.maximumSpeed, Array("SMS".utf8) + [0x0D]),
    (.setMaximumSpeed(50), Array("SMS,50".utf8) + [0x0D]),
    (.acceleration, Array("SAS".utf8) + [0x0D]),
    (.setAcceleration(100), Array("SAS,100".utf8) + [0x0D]),
  ]

  @Test(arguments: table.indices)
  func encodesAndParsesBack(index: Int) {
    let (command, bytes) = Self.table[index]
    #expect(command.encoded == bytes)
    #expect(bytes.last == 0x0D)
    let line = String(decoding: bytes.dropLast(), as: UTF8.self)
    #expect(ProScanCommand.parse(line) == .success(command))
  }

  /// The manual's delimiter examples: one command, five spellings.
  @Test(arguments: [
    "G,100,200", "G 100 200", "G  100  200", "G, 100, 200", "G,,100,200", "G;100:200",
    "G\t100\t200",
  ])
  func everyDocumentedDelimiterSeparatesArguments(line: String) {
    #expect(ProScanCommand.parse(line) == .success(.moveAbsolute(x: 100, y: 200)))
  }

  @Test func onlyMovesAreAnsweredAtTheirEnd() {
    let movements = Self.table.map(\.0).filter(\.isMovement)
    #expect(
      movements == [
        .moveAbsolute(x: 100, y: 200), .moveAbsolute(x: -5, y: 0), .moveRelative(x: 7, y: -12),
      ])
  }

  /// Refusals as the controller sends them: unknown command E,5; unreadable arguments E,4.
  static let refusals: [(String, ProScanErrorCode)] = [
    ("", .commandNotFound), ("XYZZY", .commandNotFound), ("GO,1,2", .commandNotFound),
    ("G", .stringParse), ("G,1", .stringParse), ("G,1,2,3", .stringParse),
    ("G,1.5,2", .stringParse),
    ("G,a,b", .stringParse), ("$,1", .stringParse), ("K,1", .stringParse), ("COMP,2", .stringParse),
    ("RES,x", .stringParse), ("RES,s,abc", .stringParse), ("SMS,fast", .stringParse),
    ("PS,1", .stringParse), ("G,99999999999999,0", .stringParse),
  ]

  @Test(arguments: refusals.indices)
  func malformedLinesAreRefusedWithTheDocumentedCode(index: Int) {
    let (line, code) = Self.refusals[index]
    #expect(ProScanCommand.parse(line) == .failure(code), "\(line)")
  }
}
