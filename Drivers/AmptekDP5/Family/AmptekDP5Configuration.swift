import AmptekDP5
import Transports
import WhitlockConfiguration
import WhitlockCore

/// The keys of an `[[instrument]]` with `driver = "amptek-dp5"`: the serial port, the energy
/// calibration and the `[instrument.dp5]` table of text-configuration commands.
///
/// ```toml
/// [[instrument]]
/// id = "xrf-1"
/// kind = "xrf"
/// driver = "amptek-dp5"
/// exposure_s = 10            # PRET (PRER on an MCA8000D)
/// port = "/dev/ttyUSB0"
/// baud = 115200
/// channels = 2048            # MCAC
/// gain_kev_per_channel = 0.01
/// offset_kev = 0.0
/// [instrument.dp5]           # further DP5 commands, validated before they are sent
/// GAIN = 20.0
/// THSL = 1.2
/// ```
public struct AmptekDP5Configuration: Sendable {
  /// How the device is attached.
  public enum Transport: String, Sendable, CaseIterable {
    /// RS-232 or USB-serial adapter at `port`.
    case serial
    /// Native USB (10c4:842a) through libusb, chosen by `usb_serial` when several are attached.
    case usb
  }

  /// How the device is attached.
  public var transport: Transport
  /// The serial device path (serial transport).
  public var port: String
  /// The USB serial number to pick (USB transport), if several devices are attached.
  public var usbSerial: String?
  /// The line speed.
  public var baudRate: Int
  /// What the driver configures and how it paces the device.
  public var settings: DP5InstrumentSettings

  /// Reads the DP5 keys of one `[[instrument]]`; `exposure` becomes the preset time.
  static func read(_ reader: inout ConfigurationReader, exposure: Double) throws(ConfigurationError)
    -> AmptekDP5Configuration
  {
    let transport: Transport = try reader.choice("transport", default: .serial)
    let port = transport == .serial ? try reader.string("port") : ""
    if transport == .serial, port.isEmpty {
      throw reader.error("port", "must name a serial device, e.g. /dev/ttyUSB0")
    }
    let usbSerial = transport == .usb ? try reader.optionalString("usb_serial") : nil
    let baud = try reader.integer("baud", default: 115_200, in: 1200...921_600)
    guard SerialPort.supportedBaudRates.contains(baud) else {
      throw reader.error(
        "baud",
        "\(baud) is not one of "
          + SerialPort.supportedBaudRates.map(String.init).joined(separator: ", "))
    }
    var settings = DP5InstrumentSettings()
    settings.presetSeconds = exposure
    settings.channels = try reader.integer("channels", default: 2048, in: 256...8192)
    guard DP5Spectrum.channelCounts.contains(settings.channels) else {
      throw reader.error("channels", "must be 256, 512, 1024, 2048, 4096 or 8192")
    }
    settings.keVPerChannel = try reader.number(
      "gain_kev_per_channel", default: 0.01, in: 1e-5...1, unit: "keV")
    settings.offsetKeV = try reader.number("offset_kev", default: 0, in: -10...10, unit: "keV")
    settings.persistConfiguration = try reader.boolean("persist_configuration", default: false)
    settings.pollIntervalSeconds = try reader.number(
      "poll_interval_s", default: 0.25, in: 0.02...10, unit: "s")
    let replySeconds = try reader.number("reply_timeout_s", default: 0.5, in: 0.05...30, unit: "s")
    settings.link.replyLatency = .seconds(replySeconds)
    settings.link.attempts = try reader.integer("retries", default: 4, in: 1...20)
    settings.link.baudRate = baud
    settings.textCommands = try readCommands(try reader.table("dp5"))
    if transport == .usb { settings.link.baudRate = 12_000_000 }
    return AmptekDP5Configuration(
      transport: transport, port: port, usbSerial: usbSerial, baudRate: baud, settings: settings)
  }

  private static func readCommands(_ reader: ConfigurationReader) throws(ConfigurationError)
    -> [DP5TextCommand]
  {
    var commands: [DP5TextCommand] = []
    for entry in reader.table.entries {
      let value: String
      switch entry.value.kind {
      case .string(let text): value = text
      case .integer(let number): value = String(number)
      case .float(let number): value = String(number)
      case .boolean(let flag): value = flag ? "ON" : "OFF"
      default:
        throw reader.error(entry.key, "expected a string or a number, got \(entry.value.typeName)")
      }
      switch entry.key {
      case "MCAC": throw reader.error(entry.key, "set channels in [[instrument]] instead")
      case "PRET", "PRER": throw reader.error(entry.key, "set exposure_s in [[instrument]] instead")
      default: break
      }
      let command = DP5TextCommand(key: entry.key, value: value)
      if let problem = DP5TextSettings.problem(with: command) {
        throw reader.error(entry.key, problem)
      }
      commands.append(command)
    }
    return commands
  }
}
