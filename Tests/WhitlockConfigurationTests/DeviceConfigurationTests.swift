import InstrumentFamilies
import OceanInsightFamily
import Testing
import WasatchFamily
import WhitlockConfiguration

/// `[instrument.device]` of the Raman hardware drivers: validation with file:line:key errors.
@Suite struct DeviceConfigurationTests {
  private func instrument(_ driver: String, _ device: String, kind: String = "raman") -> String {
    "[[instrument]]\nid = \"r\"\nkind = \"\(kind)\"\ndriver = \"\(driver)\"\n[instrument.device]\n"
      + device
  }

  private func error(_ text: String) -> ConfigurationError? {
    do {
      _ = try ConfigurationLoader.parse(text, source: "raman.toml")
      return nil
    } catch { return error }
  }

  @Test func acceptsEachFamily() throws {
    let obp = try ConfigurationLoader.parse(
      instrument("ocean-obp", "model = \"QE Pro\"\ntransport = \"serial\"\nemulate = true\n"),
      source: "raman.toml")
    let device = try #require(obp.instruments.first?.settings(OceanDeviceConfiguration.self))
    #expect(device.model == "QEPRO" && device.transport == .serial && device.usb.emulate)
    #expect(device.excitationNanometres == 785)
    let wasatch = try ConfigurationLoader.parse(
      instrument("wasatch", "laser_enabled = true\nlaser_power_percent = 50\nemulate = true\n"),
      source: "raman.toml")
    let laser = try #require(wasatch.instruments.first?.settings(WasatchDeviceConfiguration.self))
    #expect(laser.laserEnabled && laser.laserPowerPercent == 50)
    let ooi = try ConfigurationLoader.parse(
      instrument("ocean-ooi", "model = \"HR4000\"\nemulate = true\n"), source: "raman.toml")
    #expect(ooi.instruments.first?.driver == .oceanOOI)
    #expect(device.replyTimeoutSeconds == nil && device.attempts == 3, "driver defaults")
  }

  @Test func usbDevicesNeedNoEmulateKeyAndArePinnedBySerial() throws {
    let ooi = try ConfigurationLoader.parse(
      instrument("ocean-ooi", "model = \"USB2000+\"\nusb_serial = \"USB2+F01234\"\n"),
      source: "raman.toml")
    let device = try #require(ooi.instruments.first?.settings(OceanDeviceConfiguration.self))
    #expect(!device.usb.emulate && device.usb.usbSerial == "USB2+F01234")
    let wasatch = try ConfigurationLoader.parse(
      instrument("wasatch", "product_id = 0x4000\n"), source: "raman.toml")
    let board = try #require(wasatch.instruments.first?.settings(WasatchDeviceConfiguration.self))
    #expect(!board.usb.emulate && board.usb.usbSerial == nil && board.productID == 0x4000)
  }

  @Test func oceanLinkTuningIsRead() throws {
    let obp = try ConfigurationLoader.parse(
      instrument(
        "ocean-obp",
        "model = \"QE Pro\"\ntransport = \"serial\"\nport = \"/dev/ttyUSB0\"\n"
          + "reply_timeout_s = 2.5\nretries = 6\n"),
      source: "raman.toml")
    let device = try #require(obp.instruments.first?.settings(OceanDeviceConfiguration.self))
    #expect(device.replyTimeoutSeconds == 2.5 && device.attempts == 6)
  }

  @Test(arguments: [
    (
      "ocean-obp", "model = \"Flame-X\"\nemulate = true\n", 6, "instrument[0].device.model",
      "unsupported Ocean Insight model \"Flame-X\""
    ),
    (
      "ocean-obp", "model = \"USB2000+\"\nemulate = true\n", 6, "instrument[0].device.model",
      "speaks ooi, not obp"
    ),
    (
      "ocean-ooi", "model = \"HR4000\"\nusb_serial = \"HR 4\"\n", 7,
      "instrument[0].device.usb_serial", "without spaces"
    ),
    (
      "wasatch", "laser_enabled = \"yes\"\nemulate = true\n", 6,
      "instrument[0].device.laser_enabled", "expected true or false"
    ),
    (
      "wasatch", "laser = true\nemulate = true\n", 6, "instrument[0].device.laser",
      "unknown key"
    ),
    (
      "wasatch", "product_id = 0x3000\nemulate = true\n", 6, "instrument[0].device.product_id",
      "must be 0x1000"
    ),
    (
      "ocean-obp", "model = \"STS\"\ntransport = \"serial\"\n", 5, "instrument[0].device.port",
      "serial transport needs a port"
    ),
    (
      "ocean-obp", "model = \"STS\"\nemulate = true\nreply_timeout_s = 0\n", 8,
      "instrument[0].device.reply_timeout_s", "is outside 0.05…30"
    ),
    (
      "ocean-ooi", "model = \"HR4000\"\nemulate = true\nretries = 0\n", 8,
      "instrument[0].device.retries", "is outside 1…20"
    ),
    (
      "wasatch", "emulate = true\nretries = 3\n", 7, "instrument[0].device.retries",
      "unknown key"
    ),
  ])
  func rejectsBadDeviceTables(
    driver: String, device: String, line: Int, key: String, message: String
  ) throws {
    let failure = try #require(error(instrument(driver, device)))
    #expect(failure.file == "raman.toml")
    #expect(failure.line == line, "\(failure)")
    #expect(failure.key == key, "\(failure)")
    #expect(failure.message.contains(message), "\(failure)")
  }

  @Test func hardwareDriversAreRamanOnlyAndSimulatedTakesNoDeviceTable() throws {
    let xrf = try #require(error(instrument("wasatch", "emulate = true\n", kind: "xrf")))
    #expect(xrf.key == "instrument[0].kind")
    let simulated = try #require(error(instrument("simulated", "emulate = true\n")))
    #expect(simulated.key.hasPrefix("instrument[0].device"))
  }
}
