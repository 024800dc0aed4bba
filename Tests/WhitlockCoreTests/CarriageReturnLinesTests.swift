import Testing
import WhitlockCore

@Suite struct CarriageReturnLinesTests {
  @Test func splitsOnCarriageReturnAcrossChunks() {
    var lines = CarriageReturnLines()
    lines.append(Array("R\r12,3".utf8))
    #expect(lines.next() == Array("R".utf8))
    #expect(lines.next() == nil)
    #expect(lines.unfinished == Array("12,3".utf8))
    lines.append(Array("4\r\r".utf8))
    #expect(lines.next() == Array("12,34".utf8))
    #expect(lines.next() == [])
    #expect(lines.next() == nil)
    #expect(lines.unfinished.isEmpty)
  }

  @Test func lineFeedIsOrdinaryData() {
    var lines = CarriageReturnLines()
    lines.append([0x0A, 0x30, 0x0D])
    #expect(lines.next() == [0x0A, 0x30])
  }

  @Test func overlongRunsAreCutAtTheLimit() {
    var lines = CarriageReturnLines(maximumLength: 4)
    lines.append(Array("abcdefghij\r".utf8))
    #expect(lines.next() == Array("abcd".utf8))
    #expect(lines.next() == Array("efgh".utf8))
    #expect(lines.next() == Array("ij".utf8))
    #expect(lines.next() == nil)
  }

  @Test func resetForgetsEverything() {
    var lines = CarriageReturnLines()
    lines.append(Array("a\rb".utf8))
    lines.reset()
    #expect(lines.next() == nil)
    #expect(lines.unfinished.isEmpty)
  }
}
