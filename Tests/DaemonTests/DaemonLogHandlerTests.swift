import Logging
import Testing
import WhitlockCore
import WhitlockLogging

/// Log lines stay one line each whatever a device, a file name or a configuration puts in them.
@Suite struct DaemonLogHandlerTests {
  @Test func aLineBreakInAValueCannotForgeAJournalLine() {
    let handler = DaemonLogHandler(label: "whitlockd", level: .info, style: .journal)
    let line = handler.line(
      level: .info, message: "instrument opened",
      metadata: ["serial": "X1\n<2>whitlockd: laser interlock bypassed", "model": "QE\u{1B}[2J"])
    #expect(
      line
        == "<6>whitlockd: instrument opened model=QE\\u{1B}[2J "
        + "serial=X1\\n<2>whitlockd: laser interlock bypassed\n")
    #expect(line.filter { $0 == "\n" }.count == 1)
  }

  @Test func plainTextIsWrittenAsItIs() {
    let handler = DaemonLogHandler(label: "whitlockd", level: .info, style: .plain)
    let line = handler.line(
      level: .warning, message: "Mg/Ca 0.12 ± 0.01 in C:\\spool",
      metadata: ["instrument": "xrf-1"], time: "2026-12-07T12:00:00Z")
    #expect(
      line == "2026-12-07T12:00:00Z WARNING whitlockd: Mg/Ca 0.12 ± 0.01 in C:\\spool "
        + "instrument=xrf-1\n")
  }

  @Test(arguments: [
    ("\u{0}", "\\u{0}"), ("\r", "\\r"), ("\t", "\\t"), ("\u{7F}", "\\u{7F}"),
    ("\u{85}", "\\u{85}"), ("é", "é"),
  ])
  func controlCharactersAreEscaped(input: String, expected: String) {
    #expect(LogText.escaped(input) == expected)
  }

  @Test func terminalTextKeepsItsLinesButNotEscapeSequences() {
    let table = "SERIAL\tMODEL\nQE\u{1B}]0;owned\u{7}\tQEPro\n"
    #expect(LogText.forTerminal(table) == "SERIAL\tMODEL\nQE\\u{1B}]0;owned\\u{7}\tQEPro\n")
  }
}
