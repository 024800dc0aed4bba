import OceanInsight

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

extension InstrumentConfiguration {
  /// The device this instrument needs.
  public var deviceRequirement: DeviceRequirement {
    if driver == .simulated || device.emulate { return .none }
    switch driver {
    case .simulated: return .none
    case .oceanOBP where device.transport == .serial:
      return .serialPort(path: device.port ?? "")
    case .oceanOBP, .oceanOOI:
      let productID = (try? OceanModel.named(device.model))?.productID
      return .usb(vendorID: 0x2457, productID: productID, serial: device.usbSerial)
    case .wasatch:
      return .usb(vendorID: 0x24AA, productID: device.productID, serial: device.usbSerial)
    case .amptekDP5:
      guard let dp5 else { return .none }
      if dp5.transport == .usb {
        return .usb(vendorID: 0x10C4, productID: 0x842A, serial: dp5.usbSerial)
      }
      return .serialPort(path: dp5.port)
    }
  }
}
