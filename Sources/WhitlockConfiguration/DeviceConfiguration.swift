import OceanInsight
import WhitlockCore

/// The `[instrument.device]` table of a hardware driver (`ocean-obp`, `ocean-ooi`, `wasatch`).
public struct DeviceConfiguration: Sendable {
  /// How an Ocean Insight OBP device is reached.
  public enum Transport: String, Sendable, CaseIterable {
    case usb
    case serial
  }

  /// Ocean Insight model (validated against the driver's table); empty for Wasatch.
  public var model = ""
  /// Laser wavelength in nm (Ocean devices do not know it; Wasatch takes it from the EEPROM
  /// unless given).
  public var excitationNanometres: Double?
  /// OBP: USB or a serial line.
  public var transport = Transport.usb
  /// Serial device path (OBP over serial).
  public var port: String?
  /// Serial line speed (OBP over serial).
  public var baudRate = 115_200
  /// Use the in-process device emulation instead of hardware (the zero-hardware demo).
  public var emulate = false
  /// USB serial number (iSerialNumber) of the device to open, when several of one model are
  /// attached; `nil` takes the only one.
  public var usbSerial: String?
  /// Wasatch: the laser may fire during a run (never without this).
  public var laserEnabled = false
  /// Wasatch: laser power in percent.
  public var laserPowerPercent = 100.0
  /// Wasatch: when the laser may fire (`laser_emission`): operator-started runs only, unless
  /// continuous emission is asked for.
  public var laserEmission = EmissionPolicy.operatorRuns
  /// Wasatch XS (ARM): the device's laser watchdog period, s (`laser_watchdog_s`).
  public var laserWatchdogSeconds = 5
  /// Wasatch emulation: USB product ID (0x1000 FX2, 0x4000 ARM) and pixel count.
  public var productID: UInt16 = 0x1000
  /// Ocean Insight: how long to wait for a reply beyond the integration time, s (`nil`: the
  /// driver's default, 1 s; 2 s for an in-process emulation). A slow serial adapter or a hub
  /// far away may need more.
  public var replyTimeoutSeconds: Double?
  /// Ocean Insight: tries per OBP exchange before the instrument is reopened (`retries`).
  public var attempts = OceanInsightSettings.defaultAttempts

  /// The defaults of an empty `[instrument.device]` table.
  public init() {}

  /// Reads and validates the table for `driver`; errors name file, line and key.
  static func read(
    _ reader: inout ConfigurationReader, driver: InstrumentConfiguration.Driver,
    kind: InstrumentKind, kindError: ConfigurationError
  ) throws(ConfigurationError) -> DeviceConfiguration {
    var device = DeviceConfiguration()
    guard driver != .simulated && driver != .amptekDP5 else { return device }
    guard kind == .raman else { throw kindError }
    device.emulate = try reader.boolean("emulate", default: false)
    device.usbSerial = try reader.optionalString("usb_serial")
    if let serial = device.usbSerial, serial.isEmpty || serial.contains(where: \.isWhitespace) {
      throw reader.error("usb_serial", "must be the device's serial number, without spaces")
    }
    switch driver {
    case .simulated, .amptekDP5:
      break
    case .oceanOBP, .oceanOOI:
      let name = try reader.string("model")
      let model: OceanModel
      do { model = try OceanModel.named(name) } catch { throw reader.error("model", error.message) }
      let wanted: OceanModel.CommandSet = driver == .oceanOBP ? .obp : .ooi
      guard model.commandSet == wanted else {
        throw reader.error(
          "model", "the \(model.name) speaks \(model.commandSet.rawValue), not \(wanted.rawValue)")
      }
      device.model = model.name
      device.excitationNanometres = try reader.number(
        "excitation_nm", default: 785, in: 200...1100, unit: "nm")
      device.replyTimeoutSeconds = try reader.optionalNumber("reply_timeout_s", in: 0.05...30)
      device.attempts = try reader.integer(
        "retries", default: OceanInsightSettings.defaultAttempts, in: 1...20)
      if driver == .oceanOBP {
        device.transport = try reader.choice("transport", default: .usb)
        device.port = try reader.optionalString("port")
        device.baudRate = try reader.integer("baud", default: 115_200, in: 1200...4_000_000)
        if device.transport == .serial && device.port == nil && !device.emulate {
          throw reader.error("port", "serial transport needs a port (e.g. \"/dev/ttyUSB0\")")
        }
      }
    case .wasatch:
      device.excitationNanometres = try reader.optionalNumber("excitation_nm", in: 200...1100)
      device.laserEnabled = try reader.boolean("laser_enabled", default: false)
      device.laserPowerPercent = try reader.number(
        "laser_power_percent", default: 100, in: 1...100, unit: "%")
      device.laserEmission = try reader.choice("laser_emission", default: .operatorRuns)
      device.laserWatchdogSeconds = try reader.integer("laser_watchdog_s", default: 5, in: 1...600)
      device.productID = UInt16(
        try reader.integer("product_id", default: 0x1000, in: 0x1000...0x4000))
      guard [0x1000, 0x2000, 0x4000].contains(device.productID) else {
        throw reader.error("product_id", "must be 0x1000 (FX2), 0x2000 (InGaAs) or 0x4000 (ARM)")
      }
    }
    return device
  }
}
