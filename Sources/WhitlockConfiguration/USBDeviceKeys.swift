import WhitlockCore

/// The keys every USB instrument's `[instrument.device]` table shares: whether to use the
/// in-process emulation, and which of several attached devices to open.
public struct USBDeviceKeys: Sendable {
  /// Use the in-process device emulation instead of hardware (the zero-hardware demo).
  public var emulate = false
  /// USB serial number (iSerialNumber) of the device to open, when several of one model are
  /// attached; `nil` takes the only one.
  public var usbSerial: String?

  /// No emulation, the only attached device.
  public init() {}

  /// Reads `emulate` and `usb_serial`; a serial number with spaces is refused.
  package static func read(_ reader: inout ConfigurationReader) throws(ConfigurationError)
    -> USBDeviceKeys
  {
    var keys = USBDeviceKeys()
    keys.emulate = try reader.boolean("emulate", default: false)
    keys.usbSerial = try reader.optionalString("usb_serial")
    if let serial = keys.usbSerial, serial.isEmpty || serial.contains(where: \.isWhitespace) {
      throw reader.error("usb_serial", "must be the device's serial number, without spaces")
    }
    return keys
  }

  /// The members every USB device contributes to the run-start record.
  public var recordMembers: [(String, JSONValue)] {
    var members: [(String, JSONValue)] = [("emulate", .bool(emulate))]
    if let usbSerial { members.append(("usb_serial", .string(usbSerial))) }
    return members
  }
}
