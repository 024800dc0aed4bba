import CLibUSB

/// A private libusb session used to list the USB devices attached to this machine.
///
/// Each `USBBus` owns its own `libusb_context`, created in `init` and destroyed in `deinit`, so it
/// never disturbs (or is disturbed by) another part of the process using libusb. libusb documents
/// every call on a context as thread-safe apart from `libusb_init`/`libusb_exit`, which only
/// `init` and `deinit` make; the context pointer is immutable, hence the unchecked `Sendable`.
public final class USBBus: @unchecked Sendable {
  private let context: OpaquePointer

  /// Starts a libusb session.
  ///
  /// - Throws: `USBError` from `libusb_init`, typically `LIBUSB_ERROR_OTHER` when usbfs
  ///   (`/dev/bus/usb`) is not available.
  public init() throws(USBError) {
    var created: OpaquePointer?
    let status = libusb_init(&created)
    guard status == LIBUSB_SUCCESS.rawValue, let created else {
      throw USBError(
        code: status == 0 ? LIBUSB_ERROR_OTHER.rawValue : status, operation: "libusb_init")
    }
    context = created
  }

  deinit {
    libusb_exit(context)
  }

  /// Lists the attached devices from their cached descriptors, without opening them, except that
  /// devices for which `checkAccess(vendorID, productID)` is true are opened and closed once so
  /// that a permission problem shows up before any driver needs the device.
  ///
  /// - Throws: `USBError` when the device list cannot be read. A device whose descriptor cannot be
  ///   read is skipped (it was unplugged while listing).
  public func devices(checkAccess: (UInt16, UInt16) -> Bool = { _, _ in false }) throws(USBError)
    -> [USBDeviceInfo]
  {
    var list: UnsafeMutablePointer<OpaquePointer?>?
    let count = libusb_get_device_list(context, &list)
    guard count >= 0, let list else {
      throw USBError(code: Int32(truncatingIfNeeded: count), operation: "libusb_get_device_list")
    }
    // Frees the list and drops the reference the list holds on each device.
    defer { libusb_free_device_list(list, 1) }

    var result: [USBDeviceInfo] = []
    result.reserveCapacity(count)
    for index in 0..<count {
      guard let device = list[index] else { continue }
      guard var info = Self.describe(device) else { continue }
      if checkAccess(info.vendorID, info.productID) {
        info.access = Self.tryOpen(device, devicePath: info.devicePath)
      }
      result.append(info)
    }
    return result
  }

  private static func describe(_ device: OpaquePointer) -> USBDeviceInfo? {
    var descriptor = libusb_device_descriptor()
    guard libusb_get_device_descriptor(device, &descriptor) == LIBUSB_SUCCESS.rawValue else {
      return nil
    }
    // USB 3 allows at most 7 tiers of hubs, so 7 port numbers always suffice.
    var ports = [UInt8](repeating: 0, count: 7)
    let depth = ports.withUnsafeMutableBufferPointer { buffer in
      libusb_get_port_numbers(device, buffer.baseAddress, Int32(buffer.count))
    }
    return USBDeviceInfo(
      vendorID: descriptor.idVendor, productID: descriptor.idProduct,
      busNumber: Int(libusb_get_bus_number(device)),
      deviceAddress: Int(libusb_get_device_address(device)),
      portNumbers: depth > 0 ? ports.prefix(Int(depth)).map(Int.init) : [])
  }

  private static func tryOpen(_ device: OpaquePointer, devicePath: String) -> USBAccessCheck {
    var handle: OpaquePointer?
    let status = libusb_open(device, &handle)
    guard status == LIBUSB_SUCCESS.rawValue, let handle else {
      return .failed(USBError(code: status, operation: "libusb_open", devicePath: devicePath))
    }
    libusb_close(handle)
    return .openable
  }
}
