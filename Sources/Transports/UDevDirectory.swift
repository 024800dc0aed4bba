import CLibUDev

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Reads device attributes from udev (sysfs plus the udev database) without opening any device.
///
/// Owns one `struct udev` context, released in `deinit`; every enumeration and device handle made
/// from it is unreferenced before the call that made it returns. libudev contexts are not
/// thread-safe, so this type is deliberately not `Sendable`: make one per scan.
public final class UDevDirectory {
  private let udev: OpaquePointer

  /// Creates a udev context.
  ///
  /// - Throws: `DiscoveryError.udevUnavailable` when `udev_new` fails.
  public init() throws(DiscoveryError) {
    guard let created = udev_new() else { throw .udevUnavailable(errno: errno) }
    udev = created
  }

  deinit {
    udev_unref(udev)
  }

  /// Every USB device (devtype `usb_device`, not its interfaces) with its sysfs attributes.
  public func usbDevices() throws(DiscoveryError) -> [UDevUSBDevice] {
    try enumerate(subsystem: "usb") { device in
      guard Self.text(udev_device_get_devtype(device)) == "usb_device" else { return nil }
      return Self.usbDevice(device)
    }
  }

  /// Every `tty` device backed by hardware, with its USB parent for USB-serial adapters.
  ///
  /// Virtual terminals and pseudo-terminals (no parent device) are skipped, and so are the
  /// placeholder `ttyS*` ports the 8250 driver registers without any UART behind them (parent
  /// `serial8250` and port `type` 0).
  public func serialPorts() throws(DiscoveryError) -> [UDevSerialPort] {
    try enumerate(subsystem: "tty") { device in
      guard let parent = udev_device_get_parent(device) else { return nil }
      if Self.isUnpopulated8250Port(device, parent: parent) { return nil }
      guard let sysname = Self.text(udev_device_get_sysname(device)) else { return nil }
      let devnode = Self.text(udev_device_get_devnode(device)) ?? "/dev/\(sysname)"
      // The returned parent belongs to `device`: it must not be unreferenced here.
      let usbParent = udev_device_get_parent_with_subsystem_devtype(device, "usb", "usb_device")
      return UDevSerialPort(
        sysname: sysname, devnode: devnode, driver: Self.nearestDriver(of: parent),
        usbParent: usbParent.map(Self.usbDevice))
    }
  }

  /// Runs a udev enumeration of one subsystem and maps each device, unreferencing everything.
  private func enumerate<Record>(
    subsystem: String, _ transform: (OpaquePointer) -> Record?
  ) throws(DiscoveryError) -> [Record] {
    guard let enumeration = udev_enumerate_new(udev) else {
      throw .udevEnumerationFailed(subsystem: subsystem, errno: errno)
    }
    defer { udev_enumerate_unref(enumeration) }
    var status = udev_enumerate_add_match_subsystem(enumeration, subsystem)
    if status >= 0 { status = udev_enumerate_scan_devices(enumeration) }
    guard status >= 0 else {
      throw .udevEnumerationFailed(subsystem: subsystem, errno: -status)
    }
    var records: [Record] = []
    var entry = udev_enumerate_get_list_entry(enumeration)
    while let current = entry {
      entry = udev_list_entry_get_next(current)
      // A device can vanish between the scan and this lookup; skip it then.
      guard let syspath = udev_list_entry_get_name(current),
        let device = udev_device_new_from_syspath(udev, syspath)
      else { continue }
      defer { udev_device_unref(device) }
      if let record = transform(device) { records.append(record) }
    }
    return records
  }

  private static func usbDevice(_ device: OpaquePointer) -> UDevUSBDevice {
    UDevUSBDevice(
      syspath: text(udev_device_get_syspath(device)) ?? "",
      sysname: text(udev_device_get_sysname(device)) ?? "",
      devnode: text(udev_device_get_devnode(device)),
      busNumber: attribute(device, "busnum").flatMap { Int($0) },
      deviceNumber: attribute(device, "devnum").flatMap { Int($0) },
      devpath: attribute(device, "devpath"),
      vendorID: attribute(device, "idVendor").flatMap { UInt16($0, radix: 16) },
      productID: attribute(device, "idProduct").flatMap { UInt16($0, radix: 16) },
      serial: attribute(device, "serial"),
      manufacturer: attribute(device, "manufacturer"),
      product: attribute(device, "product"))
  }

  private static func isUnpopulated8250Port(_ device: OpaquePointer, parent: OpaquePointer)
    -> Bool
  {
    var ancestor: OpaquePointer? = parent
    while let current = ancestor {
      if text(udev_device_get_sysname(current)) == "serial8250" {
        // A UART the 8250 driver actually found reports a non-zero port type (4 = 16550A).
        let type = attribute(device, "type").flatMap { Int($0) } ?? 0
        return type == 0
      }
      ancestor = udev_device_get_parent(current)
    }
    return false
  }

  private static func nearestDriver(of device: OpaquePointer) -> String? {
    var ancestor: OpaquePointer? = device
    while let current = ancestor {
      // Skip the generic `port`/`ctrl` drivers of the kernel's serial-base bus (Linux 6.5+).
      if text(udev_device_get_subsystem(current)) != "serial-base",
        let driver = text(udev_device_get_driver(current))
      {
        return driver
      }
      ancestor = udev_device_get_parent(current)
    }
    return nil
  }

  /// A sysfs attribute with surrounding white space removed, or `nil` when absent or empty.
  private static func attribute(_ device: OpaquePointer, _ name: String) -> String? {
    guard let value = text(udev_device_get_sysattr_value(device, name)) else { return nil }
    let trimmed = value.trimmingWhitespace()
    return trimmed.isEmpty ? nil : trimmed
  }

  private static func text(_ pointer: UnsafePointer<CChar>?) -> String? {
    pointer.map { String(cString: $0) }
  }
}

/// libudev handles must stay on one thread at a time: make a `UDevDirectory` per scan instead of
/// sharing one.
@available(*, unavailable)
extension UDevDirectory: Sendable {}

extension String {
  /// The string without leading and trailing spaces, tabs and line breaks (sysfs values end in a
  /// newline and some devices pad their strings with spaces).
  fileprivate func trimmingWhitespace() -> String {
    let isSpace: (Character) -> Bool = { $0.isWhitespace || $0 == "\0" }
    guard let first = firstIndex(where: { !isSpace($0) }),
      let last = lastIndex(where: { !isSpace($0) })
    else { return "" }
    return String(self[first...last])
  }
}
