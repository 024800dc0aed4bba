import AmptekDP5
import Testing

/// Text configuration: syntax, validation per command and device type, packet splitting, and
/// read-back comparison (protocols-detail.md §1.6).
@Suite struct TextConfigurationTests {
  @Test func parsesCommandLists() throws {
    let parsed = try #require(DP5TextCommand.parseList("MCAC=2048;PRET=10.0;\r\nGAIN=20"))
    #expect(parsed.map(\.description) == ["MCAC=2048;", "PRET=10.0;", "GAIN=20;"])
    #expect(DP5TextCommand.parseList("MCAC2048;") == nil)
    #expect(DP5TextCommand.parseList("") == [])
  }

  @Test func validCommandsPass() {
    let valid = ["MCAC=8192", "PRET=OFF", "PRET=0.5", "GAIN=20.5", "THSL=1.2", "TPFA=100"]
    for text in valid {
      let command = DP5TextCommand.parseList(text)![0]
      #expect(DP5TextSettings.problem(with: command) == nil, "\(text)")
    }
  }

  @Test func invalidCommandsSayWhy() {
    let cases: [(String, String)] = [
      ("MCAC=3000", "is not one of"), ("PRET=soon", "must be a number"),
      ("GAIN=-1", "must be a number"), ("mcac=1024", "not a 4-letter"),
      ("XXXX=1", "not a known"), ("TPFA=123", "is not one of"),
    ]
    for (text, phrase) in cases {
      let command = DP5TextCommand.parseList(text)![0]
      let problem = DP5TextSettings.problem(with: command) ?? ""
      #expect(problem.contains(phrase), "\(text): \(problem)")
    }
    let spaced = DP5TextCommand(key: "GAIN", value: "1 0")
    #expect(DP5TextSettings.problem(with: spaced)?.contains("printable") == true)
  }

  @Test func deviceTypeRestrictionsFollowTheSDK() {
    let hv = DP5TextCommand(key: "HVSE", value: "-110")
    #expect(DP5TextSettings.problem(with: hv, deviceType: .dp5, pc5Present: false) != nil)
    #expect(DP5TextSettings.problem(with: hv, deviceType: .dp5, pc5Present: true) == nil)
    #expect(DP5TextSettings.problem(with: hv, deviceType: .px5, pc5Present: false) == nil)
    let pret = DP5TextCommand(key: "PRET", value: "10")
    #expect(DP5TextSettings.problem(with: pret, deviceType: .mca8000d) != nil)
    #expect(DP5TextSettings.problem(with: pret, deviceType: .dp5) == nil)
    let volume = DP5TextCommand(key: "VOLU", value: "1")
    #expect(DP5TextSettings.problem(with: volume, deviceType: .dp5) != nil)
  }

  @Test func longConfigurationsAreSplitIntoPacketsOfAtMost511Bytes() {
    let commands = (0..<100).map { _ in DP5TextCommand(key: "THSL", value: "1.234") }
    let texts = DP5TextCommand.packetTexts(commands)
    #expect(texts.count == 3)
    #expect(texts.allSatisfy { $0.utf8.count <= 511 })
    #expect(texts.joined() == commands.map(\.description).joined())
  }

  @Test func readbackComparesNumbersNumerically() {
    #expect(DP5TextSettings.readbackMatches(sent: "10", received: "10.0"))
    #expect(DP5TextSettings.readbackMatches(sent: "off", received: "OFF"))
    #expect(!DP5TextSettings.readbackMatches(sent: "2048", received: "1024"))
  }
}
