import OceanInsight
import Transports
import WhitlockConfiguration
import WhitlockCore

/// The `[instrument.device]` table of an Ocean Insight spectrometer (`ocean-obp`, `ocean-ooi`).
public struct OceanDeviceConfiguration: Sendable {
  /// How an OBP device is reached.
  public enum Transport: String, Sendable, CaseIterable {
    case usb
    case serial
  }

  /// The command set the configured driver speaks.
  public var commandSet: OceanModel.CommandSet
  /// The model, validated against the driver's table.
  public var model: String
  /// Laser wavelength in nm (Ocean devices do not know it).
  public var excitationNanometres = 785.0
  /// OBP: USB or a serial line.
  public var transport = Transport.usb
  /// Serial device path (OBP over serial).
  public var port: String?
  /// Serial line speed (OBP over serial).
  public var baudRate = 115_200
  /// `emulate` and `usb_serial`.
  public var usb = USBDeviceKeys()
  /// How long to wait for a reply beyond the integration time, s (`nil`: the driver's default,
  /// 1 s; 2 s for an in-process emulation). A slow serial adapter or a far hub may need more.
  public var replyTimeoutSeconds: Double?
  /// Tries per OBP exchange before the instrument is reopened (`retries`).
  public var attempts = OceanInsightSettings.defaultAttempts

  /// Reads and validates the `[instrument.device]` table of an instrument whose driver speaks
  /// `commandSet`; errors name file, line and key.
  static func read(
    _ instrument: inout ConfigurationReader, commandSet: OceanModel.CommandSet
  ) throws(ConfigurationError) -> OceanDeviceConfiguration {
    var reader = try instrument.table("device")
    let usb = try USBDeviceKeys.read(&reader)
    let name = try reader.string("model")
    let model: OceanModel
    do { model = try OceanModel.named(name) } catch { throw reader.error("model", error.message) }
    guard model.commandSet == commandSet else {
      throw reader.error(
        "model",
        "the \(model.name) speaks \(model.commandSet.rawValue), not \(commandSet.rawValue)")
    }
    var device = OceanDeviceConfiguration(commandSet: commandSet, model: model.name)
    device.usb = usb
    device.excitationNanometres = try reader.number(
      "excitation_nm", default: 785, in: 200...1100, unit: "nm")
    device.replyTimeoutSeconds = try reader.optionalNumber("reply_timeout_s", in: 0.05...30)
    device.attempts = try reader.integer(
      "retries", default: OceanInsightSettings.defaultAttempts, in: 1...20)
    if commandSet == .obp {
      device.transport = try reader.choice("transport", default: .usb)
      device.port = try reader.optionalString("port")
      device.baudRate = try reader.integer("baud", default: 115_200, in: 1200...4_000_000)
      if device.transport == .serial && device.port == nil && !usb.emulate {
        throw reader.error("port", "serial transport needs a port (e.g. \"/dev/ttyUSB0\")")
      }
    }
    try reader.finish()
    return device
  }
}

extension OceanDeviceConfiguration: InstrumentDriverSettings {
  public var producesSimulatedSpectra: Bool { usb.emulate }

  public var deviceRequirement: DeviceRequirement {
    if usb.emulate { return .none }
    if commandSet == .obp && transport == .serial { return .serialPort(path: port ?? "") }
    let productID = (try? OceanModel.named(model))?.productID
    return .usb(
      vendorID: OceanInsightFamily.vendorID, productID: productID, serial: usb.usbSerial)
  }

  public var deviceRecord: JSONValue? {
    var members = usb.recordMembers
    members.append(("model", .string(model)))
    members.append(("excitation_nm", .number(excitationNanometres)))
    if commandSet == .obp { members.append(("transport", .string(transport.rawValue))) }
    return .object(members)
  }

  public func makeInstrument(_ instrument: InstrumentConfiguration, context: InstrumentContext)
    -> any Instrument
  {
    if usb.emulate { return makeEmulated(instrument) }
    guard let model = try? OceanModel.named(model) else {
      return UnavailableInstrument(
        configuredID: instrument.id, reason: "no Ocean Insight model \(self.model)")
    }
    var settings = OceanInsightSettings(
      model: model, excitationNanometres: excitationNanometres,
      integrationSeconds: instrument.exposureSeconds)
    apply(to: &settings)
    if commandSet == .obp && transport == .serial {
      guard let port else {
        return UnavailableInstrument(configuredID: instrument.id, reason: "no serial port")
      }
      // On a serial line the device reports its product ID; identify by that, as the driver does.
      settings.model = nil
      settings.expectedModel = model
      let baud = baudRate
      return OceanInsightInstrument(
        configuredID: instrument.id,
        link: .serial { try SerialPort.open(path: port, baudRate: baud) }, settings: settings)
    }
    let selector = USBDeviceSelector(
      vendorID: model.vendorID, productID: model.productID, serial: usb.usbSerial)
    return OceanInsightInstrument(
      configuredID: instrument.id, link: .usb { try selector.open() }, settings: settings)
  }

  /// Takes the link tuning (`reply_timeout_s`, `retries`).
  func apply(to settings: inout OceanInsightSettings) {
    if let seconds = replyTimeoutSeconds { settings.replyTimeout = .seconds(seconds) }
    settings.attempts = attempts
  }
}
