/// What physical device an instrument entry needs, so tools like `whitlockctl doctor` can check
/// that it is attached and accessible before the daemon tries to open it.
public enum DeviceRequirement: Sendable, Equatable {
  /// Simulated instruments need no device.
  case none
  /// A serial port (RS-232 or USB-serial adapter) at this path.
  case serialPort(path: String)
  /// A USB device with this vendor ID, optionally product ID and serial number.
  case usb(vendorID: UInt16, productID: UInt16?, serial: String?)
}
