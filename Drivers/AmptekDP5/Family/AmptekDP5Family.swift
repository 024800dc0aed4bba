import AmptekDP5
import InstrumentFamilyKit
import Transports
import WhitlockConfiguration
import WhitlockCore

extension DriverName {
  /// An Amptek DP5-family XRF detector on a serial port or native USB.
  public static let amptekDP5 = DriverName("amptek-dp5")
}

extension DeviceProtocol {
  /// Amptek DP5 packet protocol (sync bytes F5 FA), shared by DP5, X-123, PX5 and MCA8000D.
  public static let dp5 = DeviceProtocol("DP5")
}

/// The Amptek DP5 family (DP5, X-123, PX5, DP5G, MCA8000D): one XRF driver, one USB ID.
///
/// Silicon Labs' vendor ID 0x10C4 is shared by every CP210x USB-serial adapter, so only the
/// Amptek product 0x842A is claimed (protocols-detail.md §1.1).
public struct AmptekDP5Family: InstrumentFamily {
  /// The declaration.
  public init() {}

  public var name: String { "amptek-dp5" }

  public var drivers: [DriverDeclaration] {
    [
      DriverDeclaration(name: .amptekDP5, kinds: [.xrf]) {
        reader, context throws(ConfigurationError) in
        try AmptekDP5Configuration.read(&reader, exposure: context.exposureSeconds)
      }
    ]
  }

  public var catalog: DeviceCatalog {
    DeviceCatalog(entries: [
      .init(
        vendorID: DP5USBStream.vendorID, productID: DP5USBStream.productID, family: name,
        model: "DP5/X-123/PX5/MCA8000D", deviceProtocol: .dp5, kind: .xrf)
    ])
  }

  public var udevRules: [UdevRule] {
    [
      UdevRule(
        title: "Amptek DP5 family (DP5, X-123, PX5, DP5G, MCA8000D)",
        vendorID: DP5USBStream.vendorID, productID: DP5USBStream.productID, group: .whitlockd,
        desktopAccess: true, family: name)
    ]
  }
}

extension AmptekDP5Configuration: InstrumentDriverSettings {
  public var producesSimulatedSpectra: Bool { false }

  public var deviceRequirement: DeviceRequirement {
    if transport == .usb {
      return .usb(
        vendorID: DP5USBStream.vendorID, productID: DP5USBStream.productID, serial: usbSerial)
    }
    return .serialPort(path: port)
  }

  public var deviceRecord: JSONValue? { .object([("emulate", .bool(false))]) }

  public var extraRecordMembers: [(String, JSONValue)] { [("dp5", record)] }

  public func makeInstrument(_ instrument: InstrumentConfiguration, context: InstrumentContext)
    -> any Instrument
  {
    var settings = settings
    settings.deliveredRunFile = context.stateDirectory + "/.dp5-\(instrument.id).delivered"
    if transport == .usb {
      let selector = USBDeviceSelector(
        vendorID: DP5USBStream.vendorID, productID: DP5USBStream.productID, serial: usbSerial)
      return DP5Instrument(configuredID: instrument.id, settings: settings) {
        DP5USBStream(device: try selector.open())
      }
    }
    let port = port
    let baud = baudRate
    return DP5Instrument(configuredID: instrument.id, settings: settings) {
      try SerialPort.open(path: port, baudRate: baud)
    }
  }

  /// The configuration as written into the `run-start` record.
  var record: JSONValue {
    .object([
      ("transport", .string(transport.rawValue)),
      ("port", .string(port)),
      ("baud", .int(Int64(baudRate))),
      ("channels", .int(Int64(settings.channels))),
      ("gain_kev_per_channel", .number(settings.keVPerChannel)),
      ("offset_kev", .number(settings.offsetKeV)),
      ("text", .string(settings.textCommands.map(\.description).joined())),
    ])
  }
}
