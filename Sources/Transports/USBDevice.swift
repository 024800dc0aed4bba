import CLibUSB
import Dispatch
import Synchronization
import WhitlockCore

/// A USB device opened through libusb with one interface claimed, as a `USBInterface`.
///
/// Open by vendor and product id, and by serial number when several identical devices are
/// attached. A kernel driver bound to the interface is detached automatically and reattached on
/// release. Transfers are synchronous libusb calls with timeouts, run on the device's own
/// dispatch queue so they never block the Swift cooperative pool; libusb errors become
/// `InstrumentError`s whose message says what to fix (see `USBError`).
public final class USBDevice: USBInterface, @unchecked Sendable {
  /// `usb BUS-PORTS (vvvv:pppp, serial S)`.
  public let name: String
  /// The usbfs node, e.g. `/dev/bus/usb/001/004`.
  public let devicePath: String
  /// The serial number the device reports (iSerialNumber), if it has one.
  public let serial: String?
  private let context: OpaquePointer
  private let handle: OpaquePointer
  private let interfaceNumber: Int32
  private let queue: DispatchQueue
  private let closed = Mutex(false)

  private init(
    context: OpaquePointer, handle: OpaquePointer, interface: Int32, name: String, path: String,
    serial: String?
  ) {
    self.serial = serial
    self.context = context
    self.handle = handle
    self.interfaceNumber = interface
    self.name = name
    self.devicePath = path
    self.queue = DispatchQueue(label: "whitlockd.usb.\(name)")
  }

  /// Opens the device `vendorID:productID` (with `serial`, if given) and claims `interface`.
  ///
  /// - Throws: `InstrumentError` `.notFound` when no such device is attached, `.configuration`
  ///   when several are and no serial says which, and the mapped libusb error otherwise.
  public static func open(
    vendorID: UInt16, productID: UInt16, serial: String? = nil, interface: Int32 = 0
  ) throws -> USBDevice {
    var created: OpaquePointer?
    let status = libusb_init(&created)
    guard status == LIBUSB_SUCCESS.rawValue, let context = created else {
      throw instrumentError(USBError(code: status, operation: "libusb_init"))
    }
    do {
      let (handle, path, foundSerial) = try find(
        context: context, vendorID: vendorID, productID: productID, serial: serial)
      libusb_set_auto_detach_kernel_driver(handle, 1)
      let claimed = libusb_claim_interface(handle, interface)
      guard claimed == LIBUSB_SUCCESS.rawValue else {
        libusb_close(handle)
        throw instrumentError(
          USBError(code: claimed, operation: "libusb_claim_interface", devicePath: path))
      }
      // A client killed mid-transfer can leave an endpoint halted; start from a clean pipe.
      for endpoint in endpoints(handle, interface: interface) {
        libusb_clear_halt(handle, endpoint)
      }
      let id = hex(vendorID) + ":" + hex(productID)
      return USBDevice(
        context: context, handle: handle, interface: interface,
        name: "usb \(path) (\(id), serial \(foundSerial ?? "none"))", path: path,
        serial: foundSerial)
    } catch {
      libusb_exit(context)
      throw error
    }
  }

  private static func find(
    context: OpaquePointer, vendorID: UInt16, productID: UInt16, serial: String?
  ) throws -> (OpaquePointer, String, String?) {
    var list: UnsafeMutablePointer<OpaquePointer?>?
    let count = libusb_get_device_list(context, &list)
    guard count >= 0, let list else {
      throw instrumentError(
        USBError(code: Int32(truncatingIfNeeded: count), operation: "libusb_get_device_list"))
    }
    defer { libusb_free_device_list(list, 1) }
    var matches: [(OpaquePointer, String)] = []
    for index in 0..<count {
      guard let device = list[index] else { continue }
      var descriptor = libusb_device_descriptor()
      guard libusb_get_device_descriptor(device, &descriptor) == LIBUSB_SUCCESS.rawValue,
        descriptor.idVendor == vendorID, descriptor.idProduct == productID
      else { continue }
      let bus = Int(libusb_get_bus_number(device))
      let address = Int(libusb_get_device_address(device))
      let path = "/dev/bus/usb/" + threeDigits(bus) + "/" + threeDigits(address)
      matches.append((device, path))
    }
    let id = hex(vendorID) + ":" + hex(productID)
    guard !matches.isEmpty else {
      throw InstrumentError(
        .notFound, "no USB device \(id) is attached (`whitlockctl devices` lists what is)")
    }
    var opened: [(OpaquePointer, String, String?)] = []
    var lastError: USBError?
    for (device, path) in matches {
      var handle: OpaquePointer?
      let status = libusb_open(device, &handle)
      guard status == LIBUSB_SUCCESS.rawValue, let handle else {
        lastError = USBError(code: status, operation: "libusb_open", devicePath: path)
        continue
      }
      var descriptor = libusb_device_descriptor()
      libusb_get_device_descriptor(device, &descriptor)
      let found = readString(handle, index: descriptor.iSerialNumber)
      if let serial, found != serial {
        libusb_close(handle)
        continue
      }
      opened.append((handle, path, found))
    }
    if opened.count > 1 {
      let serials = opened.map { $0.2 ?? "none" }.joined(separator: ", ")
      for (handle, _, _) in opened { libusb_close(handle) }
      throw InstrumentError(
        .configuration,
        "\(opened.count) devices \(id) are attached (serials \(serials)); "
          + "configure the serial number of the one to use")
    }
    guard let chosen = opened.first else {
      if let lastError { throw instrumentError(lastError) }
      throw InstrumentError(
        .notFound, "no USB device \(id) with serial \(serial ?? "") is attached")
    }
    return chosen
  }

  /// The endpoint addresses of `interface` in the active configuration.
  private static func endpoints(_ handle: OpaquePointer, interface: Int32) -> [UInt8] {
    var configuration: UnsafeMutablePointer<libusb_config_descriptor>?
    guard libusb_get_active_config_descriptor(libusb_get_device(handle), &configuration) == 0,
      let configuration
    else { return [] }
    defer { libusb_free_config_descriptor(configuration) }
    let config = configuration.pointee
    guard interface < Int32(config.bNumInterfaces), let interfaces = config.interface else {
      return []
    }
    let chosen = interfaces[Int(interface)]
    guard chosen.num_altsetting > 0, let setting = chosen.altsetting else { return [] }
    let endpointCount = Int(setting.pointee.bNumEndpoints)
    guard let list = setting.pointee.endpoint else { return [] }
    return (0..<endpointCount).map { list[$0].bEndpointAddress }
  }

  private static func readString(_ handle: OpaquePointer, index: UInt8) -> String? {
    guard index != 0 else { return nil }
    var buffer = [UInt8](repeating: 0, count: 256)
    let length = libusb_get_string_descriptor_ascii(handle, index, &buffer, Int32(buffer.count))
    guard length > 0 else { return nil }
    return String(decoding: buffer.prefix(Int(length)), as: UTF8.self)
  }

  private static func hex(_ value: UInt16) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }

  private static func threeDigits(_ value: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: max(0, 3 - digits.count)) + digits
  }

  /// A libusb error as the daemon reports it.
  public static func instrumentError(_ error: USBError) -> InstrumentError {
    let category: InstrumentError.Category
    switch error.code {
    case LIBUSB_ERROR_TIMEOUT.rawValue: category = .timeout
    case LIBUSB_ERROR_NO_DEVICE.rawValue, LIBUSB_ERROR_IO.rawValue: category = .disconnected
    case LIBUSB_ERROR_ACCESS.rawValue: category = .permission
    case LIBUSB_ERROR_NOT_FOUND.rawValue: category = .notFound
    case LIBUSB_ERROR_BUSY.rawValue: category = .deviceRejected
    default: category = .protocolViolation
    }
    return InstrumentError(category, error.description)
  }

  /// Writes `bytes` to bulk OUT `endpoint`.
  public func bulkWrite(endpoint: UInt8, _ bytes: [UInt8], timeout: Duration) async throws {
    _ = try await transfer { handle, devicePath in
      var data = bytes
      var sent: Int32 = 0
      let status = libusb_bulk_transfer(
        handle, endpoint, &data, Int32(data.count), &sent, Self.milliseconds(timeout))
      guard status == LIBUSB_SUCCESS.rawValue else {
        if status == LIBUSB_ERROR_PIPE.rawValue { libusb_clear_halt(handle, endpoint) }
        throw Self.instrumentError(
          USBError(
            code: status, operation: "bulk write to 0x\(String(endpoint, radix: 16))",
            devicePath: devicePath))
      }
      guard Int(sent) == bytes.count else {
        throw InstrumentError(.timeout, "bulk write sent \(sent) of \(bytes.count) bytes")
      }
      return []
    }
  }

  /// Reads up to `maxLength` bytes from bulk IN `endpoint`.
  public func bulkRead(endpoint: UInt8, maxLength: Int, timeout: Duration) async throws -> [UInt8] {
    try await transfer { handle, devicePath in
      var data = [UInt8](repeating: 0, count: max(maxLength, 1))
      var received: Int32 = 0
      let status = libusb_bulk_transfer(
        handle, endpoint, &data, Int32(data.count), &received, Self.milliseconds(timeout))
      // Bytes that arrived before a timeout are data, not noise: hand them over.
      if status == LIBUSB_ERROR_TIMEOUT.rawValue && received > 0 {
        return Array(data.prefix(Int(received)))
      }
      guard status == LIBUSB_SUCCESS.rawValue else {
        // A stalled endpoint stays halted until cleared: clear it so the retry can succeed.
        if status == LIBUSB_ERROR_PIPE.rawValue { libusb_clear_halt(handle, endpoint) }
        throw Self.instrumentError(
          USBError(
            code: status, operation: "bulk read from 0x\(String(endpoint, radix: 16))",
            devicePath: devicePath))
      }
      return Array(data.prefix(Int(received)))
    }
  }

  /// A control transfer (see `USBInterface`).
  public func control(
    requestType: UInt8, request: UInt8, value: UInt16, index: UInt16, data: [UInt8], length: Int,
    timeout: Duration
  ) async throws -> [UInt8] {
    try await transfer { handle, devicePath in
      let incoming = requestType & 0x80 != 0
      var buffer = incoming ? [UInt8](repeating: 0, count: length) : data
      let status = libusb_control_transfer(
        handle, requestType, request, value, index, &buffer, UInt16(buffer.count),
        Self.milliseconds(timeout))
      guard status >= 0 else {
        throw Self.instrumentError(
          USBError(
            code: status, operation: "control request 0x\(String(request, radix: 16))",
            devicePath: devicePath))
      }
      return incoming ? Array(buffer.prefix(Int(status))) : []
    }
  }

  /// Releases the interface (reattaching a kernel driver) and closes the device; idempotent.
  public func close() async {
    let first = closed.withLock { state -> Bool in
      defer { state = true }
      return !state
    }
    guard first else { return }
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      queue.async {
        libusb_release_interface(self.handle, self.interfaceNumber)
        libusb_close(self.handle)
        libusb_exit(self.context)
        continuation.resume()
      }
    }
  }

  deinit {
    if !closed.withLock({ $0 }) {
      libusb_release_interface(handle, interfaceNumber)
      libusb_close(handle)
      libusb_exit(context)
    }
  }

  private static func milliseconds(_ duration: Duration) -> UInt32 {
    let value =
      duration.components.seconds * 1000
      + duration.components.attoseconds / 1_000_000_000_000_000
    return UInt32(clamping: max(value, 1))
  }

  private func transfer(
    _ body: @escaping @Sendable (OpaquePointer, String) throws -> [UInt8]
  ) async throws -> [UInt8] {
    try await withCheckedThrowingContinuation { continuation in
      queue.async {
        guard !self.closed.withLock({ $0 }) else {
          continuation.resume(throwing: InstrumentError(.disconnected, "\(self.name) is closed"))
          return
        }
        continuation.resume(with: Result { try body(self.handle, self.devicePath) })
      }
    }
  }
}
