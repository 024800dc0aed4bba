import Synchronization

/// Opens "the" USB device of an instrument again and again (every reopen after an unplug, a
/// timeout or a restart) and makes sure it is always the same physical device.
///
/// With a configured serial number that is the device. Without one, the first device opened
/// pins its serial number: if it is unplugged and another device of the same model is on
/// another port, that one is never taken for it.
public final class USBDeviceSelector: Sendable {
  /// USB vendor ID.
  public let vendorID: UInt16
  /// USB product ID.
  public let productID: UInt16
  private let pinned: Mutex<String?>

  /// Selects `vendorID:productID`, with `serial` when configured.
  public init(vendorID: UInt16, productID: UInt16, serial: String?) {
    self.vendorID = vendorID
    self.productID = productID
    pinned = Mutex(serial)
  }

  /// The serial number every open now insists on, if one is known.
  public var serial: String? { pinned.withLock { $0 } }

  /// Opens the device (see `USBDevice.open`) and pins its serial number.
  public func open(interface: Int32 = 0) throws -> USBDevice {
    let device = try USBDevice.open(
      vendorID: vendorID, productID: productID, serial: serial, interface: interface)
    if let found = device.serial {
      pinned.withLock { if $0 == nil { $0 = found } }
    }
    return device
  }
}
