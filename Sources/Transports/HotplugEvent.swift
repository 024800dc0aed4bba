/// A device appearing or disappearing, as udev announces it.
public struct HotplugEvent: Sendable, Equatable {
  /// What happened to the device.
  public enum Action: String, Sendable {
    case add, remove, bind, unbind, change, move, other
  }

  public var action: Action
  /// `usb` or `tty`.
  public var subsystem: String
  /// The sysfs path, stable while the device is attached.
  public var sysPath: String
  /// The device node, e.g. `/dev/bus/usb/001/005` or `/dev/ttyUSB0`, when it has one.
  public var deviceNode: String?
  /// USB vendor and product IDs (of the device, or of a USB-serial adapter's parent).
  public var vendorID: UInt16?
  public var productID: UInt16?
  /// The serial number, which identifies an instrument across replugs (bus positions change).
  public var serial: String?

  public init(
    action: Action, subsystem: String, sysPath: String, deviceNode: String? = nil,
    vendorID: UInt16? = nil, productID: UInt16? = nil, serial: String? = nil
  ) {
    self.action = action
    self.subsystem = subsystem
    self.sysPath = sysPath
    self.deviceNode = deviceNode
    self.vendorID = vendorID
    self.productID = productID
    self.serial = serial
  }
}
