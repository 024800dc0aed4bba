import Transports
import Wasatch
import WhitlockConfiguration
import WhitlockCore

/// The `[instrument.device]` table of a Wasatch Photonics spectrometer, with its laser interlock.
public struct WasatchDeviceConfiguration: Sendable {
  /// The USB product IDs of the boards the driver knows: FX2 (silicon), FX2 InGaAs, ARM.
  public static let productIDs: [UInt16] = [0x1000, 0x2000, 0x4000]

  /// `emulate` and `usb_serial`.
  public var usb = USBDeviceKeys()
  /// Laser wavelength in nm; `nil` takes it from the EEPROM.
  public var excitationNanometres: Double?
  /// The laser may fire during a run (never without this).
  public var laserEnabled = false
  /// Laser power in percent.
  public var laserPowerPercent = 100.0
  /// When the laser may fire (`laser_emission`): operator-started runs only, unless continuous
  /// emission is asked for.
  public var laserEmission = EmissionPolicy.operatorRuns
  /// XS (ARM) boards: the device's laser watchdog period, s (`laser_watchdog_s`).
  public var laserWatchdogSeconds = 5
  /// USB product ID (0x1000 FX2, 0x2000 InGaAs, 0x4000 ARM).
  public var productID: UInt16 = 0x1000

  /// The defaults of an empty table: laser disabled, FX2.
  public init() {}

  /// Reads and validates the `[instrument.device]` table; errors name file, line and key.
  static func read(_ instrument: inout ConfigurationReader) throws(ConfigurationError)
    -> WasatchDeviceConfiguration
  {
    var reader = try instrument.table("device")
    var device = WasatchDeviceConfiguration()
    device.usb = try USBDeviceKeys.read(&reader)
    device.excitationNanometres = try reader.optionalNumber("excitation_nm", in: 200...1100)
    device.laserEnabled = try reader.boolean("laser_enabled", default: false)
    device.laserPowerPercent = try reader.number(
      "laser_power_percent", default: 100, in: 1...100, unit: "%")
    device.laserEmission = try reader.choice("laser_emission", default: .operatorRuns)
    device.laserWatchdogSeconds = try reader.integer("laser_watchdog_s", default: 5, in: 1...600)
    device.productID = UInt16(
      try reader.integer("product_id", default: 0x1000, in: 0x1000...0x4000))
    guard productIDs.contains(device.productID) else {
      throw reader.error("product_id", "must be 0x1000 (FX2), 0x2000 (InGaAs) or 0x4000 (ARM)")
    }
    try reader.finish()
    return device
  }

  /// The driver's settings for an instrument exposing for `integrationSeconds`.
  func driverSettings(integrationSeconds: Double) -> WasatchSettings {
    var settings = WasatchSettings(
      integrationSeconds: integrationSeconds, laserAllowed: laserEnabled)
    settings.laserPowerPercent = laserPowerPercent
    settings.excitationNanometres = excitationNanometres
    settings.emission = laserEmission
    settings.laserWatchdogSeconds = laserWatchdogSeconds
    return settings
  }
}

extension WasatchDeviceConfiguration: InstrumentDriverSettings {
  public var producesSimulatedSpectra: Bool { usb.emulate }

  public var deviceRequirement: DeviceRequirement {
    usb.emulate
      ? .none
      : .usb(vendorID: WasatchInstrument.vendorID, productID: productID, serial: usb.usbSerial)
  }

  public var deviceRecord: JSONValue? {
    var members = usb.recordMembers
    if let excitationNanometres { members.append(("excitation_nm", .number(excitationNanometres))) }
    members.append(("laser_enabled", .bool(laserEnabled)))
    members.append(("laser_power_percent", .number(laserPowerPercent)))
    return .object(members)
  }

  public func makeInstrument(_ instrument: InstrumentConfiguration, context: InstrumentContext)
    -> any Instrument
  {
    var settings = driverSettings(integrationSeconds: instrument.exposureSeconds)
    // Auto-exposure may lengthen the exposure up to its limit; the laser watchdog must outlast
    // the longest one, or the firmware would switch the laser off in the middle of it.
    settings.longestIntegrationSeconds =
      instrument.acquisitionChain?.autoExposure?.exposureRange.upperBound
    if usb.emulate { return makeEmulated(instrument, settings: settings) }
    let selector = USBDeviceSelector(
      vendorID: WasatchInstrument.vendorID, productID: productID, serial: usb.usbSerial)
    return WasatchInstrument(
      configuredID: instrument.id, productID: productID, settings: settings,
      openDevice: { try selector.open() })
  }
}
