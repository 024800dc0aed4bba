/// A USB device (`usb` subsystem, devtype `usb_device`) as udev describes it from sysfs, read
/// without opening the device, so it works even when permissions forbid opening it.
public struct UDevUSBDevice: Sendable, Hashable {
  /// The sysfs path, e.g. `/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2`.
  public var syspath: String
  /// The kernel name, which is the port path: `1-2`, `1-2.3`, or `usb1` for a root hub.
  public var sysname: String
  /// The device node, e.g. `/dev/bus/usb/001/002`, when udev knows it.
  public var devnode: String?
  /// Sysfs `busnum`.
  public var busNumber: Int?
  /// Sysfs `devnum` (the device address).
  public var deviceNumber: Int?
  /// Sysfs `devpath`: the port chain below the root hub, e.g. `2` or `2.3`.
  public var devpath: String?
  /// Sysfs `idVendor`.
  public var vendorID: UInt16?
  /// Sysfs `idProduct`.
  public var productID: UInt16?
  /// Sysfs `serial` (the iSerialNumber string the kernel read at enumeration).
  public var serial: String?
  /// Sysfs `manufacturer`.
  public var manufacturer: String?
  /// Sysfs `product`.
  public var product: String?

  /// Creates a record; `UDevDirectory` fills it from sysfs.
  public init(
    syspath: String, sysname: String, devnode: String? = nil, busNumber: Int? = nil,
    deviceNumber: Int? = nil, devpath: String? = nil, vendorID: UInt16? = nil,
    productID: UInt16? = nil, serial: String? = nil, manufacturer: String? = nil,
    product: String? = nil
  ) {
    self.syspath = syspath
    self.sysname = sysname
    self.devnode = devnode
    self.busNumber = busNumber
    self.deviceNumber = deviceNumber
    self.devpath = devpath
    self.vendorID = vendorID
    self.productID = productID
    self.serial = serial
    self.manufacturer = manufacturer
    self.product = product
  }
}

/// A `tty` device backed by hardware: a USB-serial adapter (`ttyUSB*`), a CDC-ACM device
/// (`ttyACM*`) or a UART that really exists (`ttyS*` with a detected port type).
public struct UDevSerialPort: Sendable, Hashable {
  /// The kernel name, e.g. `ttyUSB0`.
  public var sysname: String
  /// The device node, e.g. `/dev/ttyUSB0`.
  public var devnode: String
  /// The kernel driver bound nearest to the port, e.g. `ftdi_sio`, `cp210x`, `cdc_acm`, `serial`.
  public var driver: String?
  /// The USB device the port belongs to, for USB-serial and CDC-ACM ports.
  public var usbParent: UDevUSBDevice?

  /// Creates a record; `UDevDirectory` fills it from sysfs.
  public init(sysname: String, devnode: String, driver: String?, usbParent: UDevUSBDevice?) {
    self.sysname = sysname
    self.devnode = devnode
    self.driver = driver
    self.usbParent = usbParent
  }
}
