import Glibc
import WhitlockCore

/// Turns `errno` values from opening and using a serial device into messages that say what to do.
public enum SerialPortError {
  /// The error for `code` while doing `operation` on `path`.
  public static func instrumentError(errno code: Int32, path: String, operation: String)
    -> InstrumentError
  {
    let reason = String(cString: strerror(code))
    switch code {
    case ENOENT:
      return InstrumentError(
        .notFound,
        "\(path) does not exist: is the device plugged in and the path right? "
          + "(`whitlockctl devices` lists serial ports)")
    case EACCES, EPERM:
      return InstrumentError(.permission, permissionAdvice(path: path))
    case EBUSY, EWOULDBLOCK:
      return InstrumentError(
        .deviceRejected,
        "\(path) is in use by another process (it is opened exclusively); stop the other "
          + "whitlockd or terminal program (`fuser \(path)` shows which)")
    case ENXIO, ENODEV, EIO, EBADF:
      return InstrumentError(
        .disconnected, "\(operation) on \(path) failed: \(reason) (device gone?)")
    case ENOTTY:
      return InstrumentError(.configuration, "\(path) is not a serial device (\(reason))")
    default:
      return InstrumentError(.protocolViolation, "\(operation) on \(path) failed: \(reason)")
    }
  }

  /// Which group owns `path` and what to change so the daemon may open it.
  static func permissionAdvice(path: String) -> String {
    var info = stat()
    var owner = "the group that owns it"
    var mode = ""
    if stat(path, &info) == 0 {
      if let group = getgrgid(info.st_gid), let name = group.pointee.gr_name {
        owner = "group '\(String(cString: name))'"
      }
      mode = " (mode " + String(info.st_mode & 0o777, radix: 8) + ")"
    }
    return
      "permission denied opening \(path)\(mode): add the user whitlockd runs as to \(owner) "
      + "(e.g. `usermod -aG dialout whitlockd`), or install a udev rule such as "
      + "`SUBSYSTEM==\"tty\", ATTRS{idVendor}==\"10c4\", GROUP=\"dialout\", MODE=\"0660\"`"
  }
}
