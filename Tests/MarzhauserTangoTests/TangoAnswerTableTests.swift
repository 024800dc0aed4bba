import MarzhauserTango
import Testing

/// Controller → host answer lines of the TANGO protocol.
@Suite struct TangoAnswerTableTests {
  @Test func positions() throws {
    let first = try #require(TangoAnswer.position("100.000 200.500"))
    #expect(first.x == 100 && first.y == 200.5)
    let third = try #require(TangoAnswer.position("-1.5 2 0.000"))
    #expect(third.x == -1.5 && third.y == 2, "a third axis is ignored")
    #expect(TangoAnswer.position("100.000") == nil)
    #expect(TangoAnswer.position("a b") == nil)
    #expect(TangoAnswer.position("") == nil)
  }

  @Test func errorNumbers() {
    #expect(TangoAnswer.error("0") == TangoErrorCode.none)
    #expect(TangoAnswer.error("32") == .targetOutsideLimit)
    #expect(TangoAnswer.error("-1") == nil)
    #expect(TangoAnswer.error("") == nil)
    #expect(TangoAnswer.error("1 2") == nil)
  }

  @Test func errorMeaningsFollowTheInstructionSet() {
    let meanings: [Int: String] = [
      0: "no error", 1: "no valid axis name", 2: "no executable instruction",
      3: "too many characters in command line", 4: "invalid instruction",
      5: "number is not inside allowed range", 6: "wrong number of parameters",
      7: "either ! or ? is missing", 12: "limit switch active", 27: "emergency STOP is active",
      32: "move discarded, target outside limit", 99: "unknown error",
    ]
    for (number, meaning) in meanings {
      #expect(TangoErrorCode(rawValue: number).meaning == meaning)
    }
  }

  @Test func limits() {
    #expect(TangoAnswer.limits("0.000 100000.000") == 0...100_000)
    #expect(TangoAnswer.limits("-5 5") == -5...5)
    #expect(TangoAnswer.limits("5 -5") == nil)
    #expect(TangoAnswer.limits("5") == nil)
  }

  @Test func statusCharacters() throws {
    #expect(TangoAxisState.parse("@@M-.") == [.idle, .idle, .moving, .absent, .other(".")])
    let states = try #require(TangoAnswer.xyStates("M@--"))
    #expect(states.x == .moving && states.y == .idle)
    #expect(TangoAnswer.xyStates("@") == nil)
    #expect(TangoAxisState.parse("@M-").map(\.character) == ["@", "M", "-"])
  }

  @Test func numbersPrintWithThreeDecimals() {
    #expect(TangoNumber.text(0) == "0.000")
    #expect(TangoNumber.text(1.0006) == "1.001")
    #expect(TangoNumber.text(-0.25) == "-0.250")
    #expect(TangoNumber.text(123_456.7) == "123456.700")
  }
}
