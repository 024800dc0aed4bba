import CLibUSB

/// A libusb failure with the operation that failed, the device involved and a message that says
/// what to do about it.
///
/// libusb's own strings ("Access denied (insufficient permissions)") do not tell an operator which
/// udev rule or group is missing; these messages do, because permission problems are the most
/// reported failure with USB spectrometers.
public struct USBError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The libusb error code (a negative `LIBUSB_ERROR_*` value).
  public var code: Int32
  /// The libusb call or step that failed, e.g. `libusb_init` or `libusb_open`.
  public var operation: String
  /// The usbfs node of the device involved, e.g. `/dev/bus/usb/001/002`, when there is one.
  public var devicePath: String?

  /// Creates an error from a libusb return code.
  public init(code: Int32, operation: String, devicePath: String? = nil) {
    self.code = code
    self.operation = operation
    self.devicePath = devicePath
  }

  /// The symbolic libusb name of the code, e.g. `LIBUSB_ERROR_ACCESS`.
  public var name: String {
    guard let text = libusb_error_name(code) else { return "LIBUSB_ERROR(\(code))" }
    return String(cString: text)
  }

  /// What went wrong and how to fix it, in words an operator can act on.
  public var message: String { Self.message(for: code, devicePath: devicePath) }

  /// `operation: message`.
  public var description: String { "\(operation): \(message)" }

  /// The readable message for a libusb error code; `devicePath` names the device when known.
  public static func message(for code: Int32, devicePath: String?) -> String {
    let device = devicePath ?? "the USB device"
    switch code {
    case LIBUSB_SUCCESS.rawValue:
      return "success"
    case LIBUSB_ERROR_IO.rawValue:
      return
        "input/output error talking to \(device): it may have been unplugged or reset; "
        + "replug it and check the kernel log (dmesg)"
    case LIBUSB_ERROR_INVALID_PARAM.rawValue:
      return "invalid parameter passed to libusb for \(device) (a whitlockd bug: please report it)"
    case LIBUSB_ERROR_ACCESS.rawValue:
      return
        "permission denied opening \(device): install whitlockd's udev rule (60-whitlockd.rules) "
        + "and add the service user to group whitlockd (whitlock-laser for a Wasatch)"
    case LIBUSB_ERROR_NO_DEVICE.rawValue:
      return "\(device) is gone: it was unplugged or re-enumerated"
    case LIBUSB_ERROR_NOT_FOUND.rawValue:
      return
        "not found on \(device): the requested interface, endpoint or configuration does not exist"
    case LIBUSB_ERROR_BUSY.rawValue:
      return
        "\(device) is busy: another process or a kernel driver has claimed the interface "
        + "(is another whitlockd or vendor software running?)"
    case LIBUSB_ERROR_TIMEOUT.rawValue:
      return "timed out waiting for \(device) to answer"
    case LIBUSB_ERROR_OVERFLOW.rawValue:
      return "\(device) sent more data than the transfer buffer holds (overflow)"
    case LIBUSB_ERROR_PIPE.rawValue:
      return "\(device) stalled the endpoint or rejected the control request (pipe error)"
    case LIBUSB_ERROR_INTERRUPTED.rawValue:
      return "the libusb call was interrupted by a signal"
    case LIBUSB_ERROR_NO_MEM.rawValue:
      return "libusb ran out of memory"
    case LIBUSB_ERROR_NOT_SUPPORTED.rawValue:
      return
        "operation not supported here: is usbfs (/dev/bus/usb) available, and is the systemd unit "
        + "allowed to see it (DeviceAllow=char-usb_device rw)?"
    case LIBUSB_ERROR_OTHER.rawValue:
      return
        "unspecified libusb error for \(device) (on Linux often: /dev/bus/usb is missing, e.g. "
        + "hidden by PrivateDevices=yes or absent in a container)"
    default:
      return "unknown libusb error \(code) for \(device)"
    }
  }
}
