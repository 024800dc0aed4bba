/// The standard USB descriptors of an emulated device: what libusb reads from sysfs
/// (`descriptors`: device then configuration descriptor) and what a host asks for with
/// `GET_DESCRIPTOR` (strings: manufacturer, product, serial number).
public struct USBDescriptorSet: Sendable, Equatable {
  /// One bulk endpoint of the single vendor-specific interface.
  public struct Endpoint: Sendable, Equatable {
    /// Address, bit 7 set for IN.
    public var address: UInt8
    /// wMaxPacketSize: 512 for high-speed bulk, 64 for full-speed.
    public var maxPacketSize: UInt16

    public init(address: UInt8, maxPacketSize: UInt16 = 512) {
      self.address = address
      self.maxPacketSize = maxPacketSize
    }
  }

  public var vendorID: UInt16
  public var productID: UInt16
  public var manufacturer: String
  public var product: String
  public var serial: String
  public var endpoints: [Endpoint]
  /// bcdDevice, the firmware release libusb reports.
  public var deviceRelease: UInt16 = 0x0100

  public init(
    vendorID: UInt16, productID: UInt16, manufacturer: String, product: String, serial: String,
    endpoints: [Endpoint]
  ) {
    self.vendorID = vendorID
    self.productID = productID
    self.manufacturer = manufacturer
    self.product = product
    self.serial = serial
    self.endpoints = endpoints
  }

  /// The 18-byte device descriptor (USB 2.0, vendor class, EP0 of 64 bytes, strings 1–3).
  public var device: [UInt8] {
    [18, 1, 0x00, 0x02, 0xFF, 0, 0, 64] + le(vendorID) + le(productID) + le(deviceRelease)
      + [1, 2, 3, 1]
  }

  /// The configuration descriptor with its interface and endpoint descriptors.
  public var configuration: [UInt8] {
    let interface: [UInt8] = [9, 4, 0, 0, UInt8(endpoints.count), 0xFF, 0, 0, 0]
    let endpointBytes = endpoints.flatMap { endpoint -> [UInt8] in
      [7, 5, endpoint.address, 2] + le(endpoint.maxPacketSize) + [0]
    }
    let total = UInt16(9 + interface.count + endpointBytes.count)
    return [9, 2] + le(total) + [1, 1, 0, 0x80, 250] + interface + endpointBytes
  }

  /// What sysfs shows as the device's `descriptors` attribute.
  public var sysfsDescriptors: [UInt8] { device + configuration }

  /// String descriptor `index` (0: the language list, US English), `nil` for an unknown index.
  public func string(_ index: UInt8) -> [UInt8]? {
    let text: String
    switch index {
    case 0: return [4, 3, 0x09, 0x04]
    case 1: text = manufacturer
    case 2: text = product
    case 3: text = serial
    default: return nil
    }
    let units = Array(text.utf16.prefix(126))
    return [UInt8(2 + units.count * 2), 3] + units.flatMap { le($0) }
  }

  /// The answer to a standard `GET_DESCRIPTOR` request (`value`: type << 8 | index), cut to
  /// `length` as a device does; `nil` makes the device stall.
  public func descriptor(value: UInt16, length: Int) -> [UInt8]? {
    let reply: [UInt8]?
    switch value >> 8 {
    case 1: reply = device
    case 2: reply = configuration
    case 3: reply = string(UInt8(value & 0xFF))
    default: reply = nil
    }
    return reply.map { Array($0.prefix(length)) }
  }
}

private func le(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
