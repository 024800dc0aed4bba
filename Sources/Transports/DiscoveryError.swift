#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Why device discovery could not look at the system.
public enum DiscoveryError: Error, Sendable, Hashable, CustomStringConvertible {
  /// `udev_new()` failed: libudev cannot be used (no /sys mounted, or out of memory).
  case udevUnavailable(errno: Int32)
  /// Creating or running a udev enumeration of `subsystem` failed with `errno`.
  case udevEnumerationFailed(subsystem: String, errno: Int32)
  /// Neither libusb nor libudev could list devices; both reasons are given.
  case noDeviceSource(usb: USBError, udev: String)

  /// A message naming the failing library and the likely cause.
  public var description: String {
    switch self {
    case .udevUnavailable(let errno):
      return
        "libudev is unavailable (udev_new failed, \(Self.errnoText(errno))): is /sys mounted "
        + "and readable?"
    case .udevEnumerationFailed(let subsystem, let errno):
      return "udev enumeration of subsystem '\(subsystem)' failed: \(Self.errnoText(errno))"
    case .noDeviceSource(let usb, let udev):
      return "cannot list devices: libusb failed (\(usb)) and libudev failed (\(udev))"
    }
  }

  private static func errnoText(_ errno: Int32) -> String {
    guard errno != 0 else { return "no error code" }
    return "errno \(errno): \(String(cString: strerror(errno)))"
  }
}
