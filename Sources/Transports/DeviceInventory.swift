import WhitlockCore

/// Which library reported a USB device.
public struct DeviceSources: OptionSet, Sendable, Hashable {
  /// The raw bits.
  public var rawValue: UInt8
  /// Creates a set from raw bits.
  public init(rawValue: UInt8) { self.rawValue = rawValue }
  /// libusb listed the device (so a libusb driver can reach it).
  public static let libusb = DeviceSources(rawValue: 1)
  /// udev listed the device (so its sysfs strings are known).
  public static let udev = DeviceSources(rawValue: 2)
}

/// One attached USB device with everything discovery learnt about it.
public struct USBDeviceRecord: Sendable, Hashable {
  /// The bus number.
  public var busNumber: Int
  /// The device address on the bus.
  public var deviceAddress: Int
  /// The sysfs port path, e.g. `1-2.3` (stable while the device stays in the same socket).
  public var portPath: String
  /// USB vendor ID.
  public var vendorID: UInt16
  /// USB product ID.
  public var productID: UInt16
  /// The serial-number string, when udev could read it.
  public var serial: String?
  /// The manufacturer string, when udev could read it.
  public var manufacturer: String?
  /// The product string, when udev could read it.
  public var product: String?
  /// The usbfs node, e.g. `/dev/bus/usb/001/002`.
  public var devicePath: String
  /// The whitlockd driver family that would claim the device, or `nil`.
  public var family: DeviceFamilyMatch?
  /// The result of a trial open (only tried for devices with a family).
  public var access: USBAccessCheck
  /// Which libraries saw the device.
  public var sources: DeviceSources

  /// Creates a record.
  public init(
    busNumber: Int, deviceAddress: Int, portPath: String, vendorID: UInt16, productID: UInt16,
    serial: String? = nil, manufacturer: String? = nil, product: String? = nil,
    devicePath: String, family: DeviceFamilyMatch?, access: USBAccessCheck = .notChecked,
    sources: DeviceSources
  ) {
    self.busNumber = busNumber
    self.deviceAddress = deviceAddress
    self.portPath = portPath
    self.vendorID = vendorID
    self.productID = productID
    self.serial = serial
    self.manufacturer = manufacturer
    self.product = product
    self.devicePath = devicePath
    self.family = family
    self.access = access
    self.sources = sources
  }

  /// `vvvv:pppp` in lower-case hex, the form `lsusb` prints.
  public var vendorProduct: String { usbIDText(vendorID, productID) }
}

/// One hardware serial port, with its USB parent's identity for USB-serial adapters.
public struct SerialPortRecord: Sendable, Hashable {
  /// The device node, e.g. `/dev/ttyUSB0`.
  public var devicePath: String
  /// The kernel name, e.g. `ttyUSB0`.
  public var name: String
  /// The kernel driver nearest to the port, e.g. `ftdi_sio`.
  public var driver: String?
  /// The parent USB vendor ID, for USB ports.
  public var vendorID: UInt16?
  /// The parent USB product ID, for USB ports.
  public var productID: UInt16?
  /// The parent USB device's serial number.
  public var serial: String?
  /// The parent USB device's manufacturer string.
  public var manufacturer: String?
  /// The parent USB device's product string.
  public var product: String?
  /// The family of the parent USB device, when the catalog knows its ID.
  public var family: DeviceFamilyMatch?

  /// Creates a record.
  public init(
    devicePath: String, name: String, driver: String? = nil, vendorID: UInt16? = nil,
    productID: UInt16? = nil, serial: String? = nil, manufacturer: String? = nil,
    product: String? = nil, family: DeviceFamilyMatch? = nil
  ) {
    self.devicePath = devicePath
    self.name = name
    self.driver = driver
    self.vendorID = vendorID
    self.productID = productID
    self.serial = serial
    self.manufacturer = manufacturer
    self.product = product
    self.family = family
  }

  /// `vvvv:pppp` of the USB parent, or `nil` for a port that is not on USB.
  public var vendorProduct: String? {
    guard let vendorID, let productID else { return nil }
    return usbIDText(vendorID, productID)
  }
}

/// Everything one discovery scan found: USB devices, serial ports, and the problems met on the
/// way (one library unavailable) that did not stop the scan.
public struct DeviceInventory: Sendable, Hashable {
  /// USB devices, ordered by bus and port path.
  public var usb: [USBDeviceRecord]
  /// Hardware serial ports, ordered by name.
  public var serial: [SerialPortRecord]
  /// Non-fatal problems, e.g. "libusb unavailable: …".
  public var warnings: [String]

  /// Creates an inventory.
  public init(usb: [USBDeviceRecord], serial: [SerialPortRecord], warnings: [String] = []) {
    self.usb = usb
    self.serial = serial
    self.warnings = warnings
  }
}

/// `vvvv:pppp` in lower-case, zero-padded hex.
func usbIDText(_ vendorID: UInt16, _ productID: UInt16) -> String {
  hex4(vendorID) + ":" + hex4(productID)
}

private func hex4(_ value: UInt16) -> String {
  let digits = String(value, radix: 16)
  return String(repeating: "0", count: 4 - digits.count) + digits
}
