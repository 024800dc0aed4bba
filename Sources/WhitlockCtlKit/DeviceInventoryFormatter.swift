import TextTables
import Transports
import WhitlockCore

/// Renders a `DeviceInventory` for `whitlockctl devices`: an aligned table for people, or JSON for
/// scripts.
public enum DeviceInventoryFormatter {
  /// The text shown in a cell whose value is unknown.
  public static let missing = "-"

  /// The USB table, the serial-port table, then access problems and warnings, ending in a newline.
  public static func table(_ inventory: DeviceInventory) -> String {
    var sections: [String] = []

    if inventory.usb.isEmpty {
      sections.append("No USB devices found.")
    } else {
      let table = TextTable(
        headers: ["BUS PATH", "VID:PID", "SERIAL", "FAMILY", "MODEL/PRODUCT"],
        rows: inventory.usb.map { device in
          [
            device.portPath, device.vendorProduct, device.serial ?? missing,
            device.family?.family ?? missing,
            modelAndProduct(family: device.family, product: device.product),
          ]
        })
      sections.append("USB devices:\n" + table.render())
    }

    if inventory.serial.isEmpty {
      sections.append("No serial ports found.")
    } else {
      let table = TextTable(
        headers: ["DEVICE", "VID:PID", "SERIAL", "PRODUCT", "FAMILY"],
        rows: inventory.serial.map { port in
          [
            port.devicePath, port.vendorProduct ?? missing, port.serial ?? missing,
            port.product ?? missing, port.family?.family ?? missing,
          ]
        })
      sections.append("Serial ports:\n" + table.render())
    }

    var notes: [String] = []
    for device in inventory.usb {
      if case .failed(let error) = device.access {
        notes.append("error: \(device.portPath) \(device.vendorProduct): \(error.message)")
      }
    }
    notes += inventory.warnings.map { "warning: \($0)" }
    if !notes.isEmpty { sections.append(notes.joined(separator: "\n")) }

    return sections.joined(separator: "\n\n") + "\n"
  }

  /// The inventory as one JSON object `{"usb":[…],"serial":[…],"warnings":[…]}` and a newline.
  public static func json(_ inventory: DeviceInventory) -> String {
    var writer = JSONWriter(reservingCapacity: 4096)
    writer.value(jsonValue(inventory))
    return String(decoding: writer.bytes, as: UTF8.self) + "\n"
  }

  /// The inventory as a `JSONValue`, with stable member order.
  public static func jsonValue(_ inventory: DeviceInventory) -> JSONValue {
    .object([
      ("usb", .array(inventory.usb.map(jsonValue))),
      ("serial", .array(inventory.serial.map(jsonValue))),
      ("warnings", .array(inventory.warnings.map(JSONValue.string))),
    ])
  }

  private static func jsonValue(_ device: USBDeviceRecord) -> JSONValue {
    var sources: [JSONValue] = []
    if device.sources.contains(.libusb) { sources.append(.string("libusb")) }
    if device.sources.contains(.udev) { sources.append(.string("udev")) }
    let access: (String, JSONValue)
    switch device.access {
    case .notChecked: access = ("not-checked", .null)
    case .openable: access = ("ok", .null)
    case .failed(let error): access = ("error", .string(error.description))
    }
    return .object(
      [
        ("bus", .int(Int64(device.busNumber))),
        ("address", .int(Int64(device.deviceAddress))),
        ("path", .string(device.portPath)),
        ("devnode", .string(device.devicePath)),
        ("vid_pid", .string(device.vendorProduct)),
        ("serial", optional(device.serial)),
        ("manufacturer", optional(device.manufacturer)),
        ("product", optional(device.product)),
      ] + familyMembers(device.family) + [
        ("access", .string(access.0)),
        ("access_error", access.1),
        ("seen_by", .array(sources)),
      ])
  }

  private static func jsonValue(_ port: SerialPortRecord) -> JSONValue {
    .object(
      [
        ("device", .string(port.devicePath)),
        ("name", .string(port.name)),
        ("driver", optional(port.driver)),
        ("vid_pid", optional(port.vendorProduct)),
        ("serial", optional(port.serial)),
        ("manufacturer", optional(port.manufacturer)),
        ("product", optional(port.product)),
      ] + familyMembers(port.family))
  }

  private static func familyMembers(_ match: DeviceFamilyMatch?) -> [(String, JSONValue)] {
    [
      ("family", optional(match?.family)),
      ("model", match.map { .string($0.modelDescription) } ?? .null),
      ("protocol", optional(match?.deviceProtocol?.rawValue)),
      ("kind", optional(match?.kind.rawValue)),
    ]
  }

  private static func optional(_ text: String?) -> JSONValue {
    text.map(JSONValue.string) ?? .null
  }

  /// The MODEL/PRODUCT cell: the catalog model (or "unknown model") with the device's own product
  /// string in brackets when it has one; just the product string for devices of no family.
  static func modelAndProduct(family: DeviceFamilyMatch?, product: String?) -> String {
    guard let family else { return product ?? missing }
    guard let product, product != family.model else { return family.modelDescription }
    return "\(family.modelDescription) [\(product)]"
  }
}
