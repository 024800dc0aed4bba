import InstrumentFamilies
import Testing
import WhitlockConfiguration

/// `[stage]`: each driver's keys, and errors naming the key at fault.
@Suite struct StageConfigurationTests {
  private func error(_ text: String) -> ConfigurationError? {
    do {
      _ = try ConfigurationLoader.parse(text, source: "test.toml")
      return nil
    } catch { return error }
  }

  @Test func aProScanStageReadsItsKeys() throws {
    let configuration = try ConfigurationLoader.parse(
      """
      [stage]
      driver = "proscan"
      port = "/dev/ttyUSB1"
      speed_percent = 50
      acceleration_percent = 20
      settle_timeout_s = 5
      """, source: "test.toml")
    let stage = try #require(configuration.stage)
    #expect(stage.driver == .proscan && stage.port == "/dev/ttyUSB1" && stage.baudRate == 9600)
    #expect(stage.speedPercent == 50 && stage.accelerationPercent == 20)
    #expect(stage.settleTimeoutSeconds == 5 && stage.demoMapSide == nil && stage.line == 1)
  }

  @Test func aTangoStageDefaultsTo57600Baud() throws {
    let configuration = try ConfigurationLoader.parse(
      "[stage]\ndriver = \"tango\"\nport = \"/dev/ttyACM0\"\n", source: "test.toml")
    #expect(configuration.stage?.baudRate == 57_600)
  }

  @Test func withoutTheTableThereIsNoStage() throws {
    #expect(try ConfigurationLoader.parse("", source: "test.toml").stage == nil)
  }

  @Test func theEmbeddedDefaultScansADemoMapOnTheSimulatedStage() throws {
    let stage = try #require(try ConfigurationLoader.embeddedDefault().stage)
    #expect(stage.driver == .simulated && stage.demoMapSide == 12)
  }

  @Test(arguments: [
    ("[stage]\nport = \"/dev/ttyUSB0\"\n", "stage.driver", "required key is missing"),
    ("[stage]\ndriver = \"grbl\"\n", "stage.driver", "\"grbl\" is not one of"),
    ("[stage]\ndriver = \"proscan\"\n", "stage.port", "required for driver \"proscan\""),
    ("[stage]\ndriver = \"tango\"\nport = \"ttyUSB0\"\n", "stage.port", "not an absolute"),
    (
      "[stage]\ndriver = \"tango\"\nport = \"/dev/ttyUSB0\"\nspeed_percent = 50\n",
      "stage.speed_percent", "applies to driver \"proscan\" only"
    ),
    (
      "[stage]\ndriver = \"proscan\"\nport = \"/dev/ttyUSB0\"\nspeed_percent = 0\n",
      "stage.speed_percent", "is outside 1…100"
    ),
    ("[stage]\ndriver = \"simulated\"\nport = \"/dev/ttyUSB0\"\n", "stage.port", "has no port"),
    (
      "[stage]\ndriver = \"proscan\"\nport = \"/dev/ttyUSB0\"\ndemo_map = 4\n", "stage.demo_map",
      "applies to driver \"simulated\" only"
    ),
    (
      "[stage]\ndriver = \"simulated\"\nsettle_timeout_s = 0\n", "stage.settle_timeout_s",
      "is outside"
    ),
    ("[stage]\ndriver = \"simulated\"\nspeed = 3\n", "stage.speed", "unknown key"),
  ])
  func mistakesNameTheKey(text: String, key: String, message: String) {
    let failure = error(text)
    #expect(failure?.key == key, "\(String(describing: failure))")
    #expect(failure?.message.contains(message) == true, "\(String(describing: failure))")
  }

  @Test func theServiceRefusesASimulatedStageUnlessAllowed() throws {
    let refused = try ConfigurationLoader.parse(
      "[stage]\ndriver = \"simulated\"\n", source: "test.toml")
    #expect(throws: ConfigurationError.self) { try refused.checkServiceUse() }
    let allowed = try ConfigurationLoader.parse(
      "[daemon]\nallow_simulated = true\n[stage]\ndriver = \"simulated\"\n", source: "test.toml")
    try allowed.checkServiceUse()
  }
}
