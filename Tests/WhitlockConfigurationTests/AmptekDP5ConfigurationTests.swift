import AmptekDP5Family
import InstrumentFamilies
import Testing
import WhitlockConfiguration

/// `driver = "amptek-dp5"` instruments: their keys, defaults and located errors.
@Suite struct AmptekDP5ConfigurationTests {
  private let base = """
    [[instrument]]
    id = "xrf-1"
    kind = "xrf"
    driver = "amptek-dp5"
    exposure_s = 2.5
    port = "/dev/ttyUSB0"
    """

  private func error(_ text: String) -> ConfigurationError? {
    do {
      _ = try ConfigurationLoader.parse(text, source: "dp5.toml")
      return nil
    } catch { return error }
  }

  @Test func fullConfigurationIsRead() throws {
    let text =
      base + """

        baud = 57600
        channels = 4096
        gain_kev_per_channel = 0.005
        offset_kev = -0.02
        retries = 6
        [instrument.dp5]
        GAIN = 20.5
        THSL = "1.2"
        PURE = "ON"
        """
    let configuration = try ConfigurationLoader.parse(text, source: "dp5.toml")
    let dp5 = try #require(configuration.instruments.first?.settings(AmptekDP5Configuration.self))
    #expect(dp5.port == "/dev/ttyUSB0" && dp5.baudRate == 57600)
    #expect(dp5.settings.channels == 4096 && dp5.settings.presetSeconds == 2.5)
    #expect(dp5.settings.keVPerChannel == 0.005 && dp5.settings.offsetKeV == -0.02)
    #expect(dp5.settings.link.attempts == 6 && dp5.settings.link.baudRate == 57600)
    #expect(
      dp5.settings.textCommands.map(\.description) == ["GAIN=20.5;", "THSL=1.2;", "PURE=ON;"])
  }

  @Test func defaultsApply() throws {
    let configuration = try ConfigurationLoader.parse(base, source: "dp5.toml")
    let dp5 = try #require(configuration.instruments.first?.settings(AmptekDP5Configuration.self))
    #expect(dp5.baudRate == 115_200 && dp5.settings.channels == 2048)
    #expect(dp5.settings.keVPerChannel == 0.01 && dp5.settings.textCommands.isEmpty)
  }

  @Test(arguments: [
    ("port = \"/dev/ttyUSB0\"", "", 1, "instrument[0].port", "required key is missing"),
    ("", "baud = 12345", 7, "instrument[0].baud", "is not one of"),
    ("", "channels = 3000", 7, "instrument[0].channels", "must be 256, 512"),
    ("", "[instrument.dp5]\nXXXX = 1", 8, "instrument[0].dp5.XXXX", "not a known DP5"),
    ("", "[instrument.dp5]\nMCAC = 1024", 8, "instrument[0].dp5.MCAC", "set channels"),
    ("", "[instrument.dp5]\nGAIN = \"lots\"", 8, "instrument[0].dp5.GAIN", "must be a number"),
    ("kind = \"xrf\"", "kind = \"raman\"", 7, "instrument[0].kind", "drives XRF detectors"),
    ("", "prot = \"x\"", 7, "instrument[0].prot", "did you mean \"port\""),
  ])
  func errorsAreLocated(
    remove: String, add: String, line: Int, key: String, message: String
  ) throws {
    var text = remove.isEmpty ? base : base.replacingOccurrences(of: remove, with: "")
    text += "\n" + add
    let found = try #require(error(text), "\(text)")
    #expect(found.line == line, "\(found)")
    #expect(found.key == key, "\(found)")
    #expect(found.message.contains(message), "\(found)")
  }

  @Test func usbTransportNeedsNoPort() throws {
    let text = base.replacingOccurrences(
      of: "port = \"/dev/ttyUSB0\"", with: "transport = \"usb\"\nusb_serial = \"31337\"")
    let dp5 = try #require(
      try ConfigurationLoader.parse(text, source: "dp5.toml").instruments.first?.settings(
        AmptekDP5Configuration.self))
    #expect(dp5.transport == .usb && dp5.usbSerial == "31337" && dp5.port.isEmpty)
    let stray = base + "\nusb_serial = \"1\""
    #expect(error(stray)?.key == "instrument[0].usb_serial")
  }

  @Test func simulatedInstrumentsRejectSerialKeys() throws {
    let text =
      "[[instrument]]\nid = \"x\"\nkind = \"xrf\"\ndriver = \"simulated\"\nport = \"/dev/x\""
    let found = try #require(error(text))
    #expect(found.key == "instrument[0].port" && found.message.contains("unknown key"))
  }
}
