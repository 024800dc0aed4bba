/// Whether a USB device could be opened, tried only for devices a driver family would claim.
public enum USBAccessCheck: Sendable, Hashable {
  /// Opening was not tried (the device belongs to no whitlockd driver family).
  case notChecked
  /// `libusb_open` succeeded (and the handle was closed again at once).
  case openable
  /// `libusb_open` failed; the error says why and what to do.
  case failed(USBError)
}

/// One USB device as libusb sees it, read from its cached descriptor without opening it.
public struct USBDeviceInfo: Sendable, Hashable {
  /// USB vendor ID (`idVendor`).
  public var vendorID: UInt16
  /// USB product ID (`idProduct`).
  public var productID: UInt16
  /// The bus number (the `BBB` of `/dev/bus/usb/BBB/DDD`).
  public var busNumber: Int
  /// The device address on its bus (the `DDD`), which changes on every replug.
  public var deviceAddress: Int
  /// The hub port numbers from the root hub down; empty for a root hub. Stable across replugs
  /// into the same socket, unlike the address.
  public var portNumbers: [Int]
  /// The result of trying to open the device.
  public var access: USBAccessCheck

  /// Creates a device record.
  public init(
    vendorID: UInt16, productID: UInt16, busNumber: Int, deviceAddress: Int, portNumbers: [Int],
    access: USBAccessCheck = .notChecked
  ) {
    self.vendorID = vendorID
    self.productID = productID
    self.busNumber = busNumber
    self.deviceAddress = deviceAddress
    self.portNumbers = portNumbers
    self.access = access
  }

  /// The kernel's name for the port path, as in sysfs: `1-2.3`, or `usb1` for a root hub.
  public var portPath: String {
    USBDeviceInfo.portPath(busNumber: busNumber, portNumbers: portNumbers)
  }

  /// The usbfs node libusb opens, e.g. `/dev/bus/usb/001/002`.
  public var devicePath: String {
    USBDeviceInfo.devicePath(busNumber: busNumber, deviceAddress: deviceAddress)
  }

  /// The sysfs-style port path for a bus and port chain.
  public static func portPath(busNumber: Int, portNumbers: [Int]) -> String {
    guard !portNumbers.isEmpty else { return "usb\(busNumber)" }
    return "\(busNumber)-" + portNumbers.map(String.init).joined(separator: ".")
  }

  /// The usbfs node for a bus number and device address, zero-padded to three digits.
  public static func devicePath(busNumber: Int, deviceAddress: Int) -> String {
    "/dev/bus/usb/\(threeDigits(busNumber))/\(threeDigits(deviceAddress))"
  }

  private static func threeDigits(_ value: Int) -> String {
    let text = String(value)
    return String(repeating: "0", count: max(0, 3 - text.count)) + text
  }
}
