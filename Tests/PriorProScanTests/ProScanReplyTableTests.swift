import PriorProScan
import Testing

/// Controller → host lines of the ProScan protocol, byte for byte, both ways.
@Suite struct ProScanReplyTableTests {
  static let table: [(ProScanReply, [UInt8])] = [
    (.endOfMove, [0x52, 0x0D]),
    (.error(.queueFull), [0x45, 0x2C, 0x31, 0x38, 0x0D]),
    (.error(.valueOutOfRange), Array("E,8".utf8) + [0x0D]),
    (.error(ProScanErrorCode(rawValue: 99)), Array("E,99".utf8) + [0x0D]),
    (.values(["0"]), [0x30, 0x0D]),
    (.values(["1250", "-300"]), Array("1250,-300".utf8) + [0x0D]),
    (.values(["0.1"]), Array("0.1".utf8) + [0x0D]),
    (.values([]), [0x0D]),
  ]

  @Test(arguments: table.indices)
  func encodesAndParsesBack(index: Int) {
    let (reply, bytes) = Self.table[index]
    #expect(reply.encoded == bytes)
    #expect(ProScanReply.parse(String(decoding: bytes.dropLast(), as: UTF8.self)) == reply)
  }

  @Test func valuesReadAsTypedNumbers() {
    #expect(ProScanReply.parse("1250,-300").integers(count: 2) == [1250, -300])
    #expect(ProScanReply.parse("1250,-300").integers(count: 1) == nil)
    #expect(ProScanReply.parse("12a,3").integers(count: 2) == nil)
    #expect(ProScanReply.parse("3").integers(count: 1) == [3])
    #expect(ProScanReply.parse("0.25").decimal == 0.25)
    #expect(ProScanReply.parse("R").decimal == nil)
    #expect(ProScanReply.parse("nan").decimal == nil)
  }

  /// Lines that look like errors but are not `E,` followed by a number are values.
  @Test func onlyWellFormedErrorsAreErrors() {
    #expect(ProScanReply.parse("E,") == .values(["E", ""]))
    #expect(ProScanReply.parse("E,x") == .values(["E", "x"]))
    #expect(ProScanReply.parse("E18") == .values(["E18"]))
    #expect(ProScanReply.parse("r") == .values(["r"]))
  }

  /// The manual's error table, number by number.
  @Test func errorNumbersCarryTheManualsNames() {
    let names: [Int: String] = [
      1: "NO STAGE", 2: "NOT IDLE", 3: "NO DRIVE", 4: "STRING PARSE", 5: "COMMAND NOT FOUND",
      6: "INVALID SHUTTER", 7: "NO FOCUS", 8: "VALUE OUT OF RANGE", 9: "INVALID WHEEL",
      10: "ARG1 OUT OF RANGE", 11: "ARG2 OUT OF RANGE", 12: "ARG3 OUT OF RANGE",
      13: "ARG4 OUT OF RANGE", 14: "ARG5 OUT OF RANGE", 15: "ARG6 OUT OF RANGE",
      16: "INCORRECT STATE", 17: "WHEEL NOT FITTED", 18: "QUEUE FULL",
      19: "COMPATIBILITY MODE SET", 20: "SHUTTER NOT FITTED", 21: "INVALID CHECKSUM",
      60: "ENCODER ERROR", 61: "ENCODER RUN OFF", 0: "unknown error", 22: "unknown error",
    ]
    for (number, name) in names {
      #expect(ProScanErrorCode(rawValue: number).meaning == name)
    }
    #expect(ProScanErrorCode.queueFull.description == "E,18 (QUEUE FULL)")
  }

  @Test func motionStatusBitsNameTheMovingAxes() {
    #expect(!ProScanMotionStatus(rawValue: 0).xyMoving)
    #expect(ProScanMotionStatus(rawValue: 1) == .x)
    #expect(ProScanMotionStatus(rawValue: 2) == .y)
    #expect(ProScanMotionStatus(rawValue: 3).xyMoving)
    #expect(!ProScanMotionStatus(rawValue: 4).xyMoving, "bit 2 is not an XY axis")
  }
}
