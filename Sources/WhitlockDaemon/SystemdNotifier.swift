import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Speaks systemd's notify protocol (`sd_notify(3)`): datagrams of `KEY=VALUE` lines sent to the
/// socket named by `$NOTIFY_SOCKET`, a filesystem path or an abstract name starting with `@`.
///
/// Implemented directly rather than through libsystemd: it is one `sendto(2)`, and it keeps the
/// daemon free of a library that the unit's hardening would have to accommodate.
public struct SystemdNotifier: Sendable {
  /// The socket address from the environment; `nil` when not started by systemd.
  public let socketPath: String?
  /// How often systemd expects `WATCHDOG=1` (half of `WatchdogSec`), or `nil` without a watchdog.
  public let watchdogInterval: Duration?

  /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from `environment`.
  public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
    let path = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
    socketPath = path
    let forUs = environment["WATCHDOG_PID"].map { Int32($0) == getpid() } ?? true
    if path != nil, forUs, let text = environment["WATCHDOG_USEC"], let usec = UInt64(text),
      usec > 0
    {
      watchdogInterval = .microseconds(Int64(usec / 2))
    } else {
      watchdogInterval = nil
    }
  }

  /// Whether notifications go anywhere.
  public var isEnabled: Bool { socketPath != nil }

  /// Sends `state` (newline-separated assignments); returns whether the datagram was sent.
  @discardableResult
  public func notify(_ state: String) -> Bool {
    guard let socketPath else { return false }
    let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    var pathBytes = Array(socketPath.utf8)
    if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }
    let capacity = MemoryLayout.size(ofValue: address.sun_path)
    guard pathBytes.count < capacity else { return false }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      raw.copyBytes(from: pathBytes)
    }
    let length = socklen_t(
      MemoryLayout<sa_family_t>.size + pathBytes.count + (pathBytes.first == 0 ? 0 : 1))
    let message = Array(state.utf8)
    let sent = withUnsafePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
        message.withUnsafeBytes {
          sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), socketAddress, length)
        }
      }
    }
    return sent == message.count
  }
}
