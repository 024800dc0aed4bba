import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// A datagram socket standing in for systemd's notify socket: collects every message a daemon
/// sends to `$NOTIFY_SOCKET`, in order, with the time it arrived.
public final class NotifySocketListener: Sendable {
  /// The socket's path, to pass as `NOTIFY_SOCKET`.
  public let path: String
  private let fd: Int32
  private let received = Mutex<[(ContinuousClock.Instant, String)]>([])

  public init() throws {
    path =
      FileManager.default.temporaryDirectory
      .appendingPathComponent("notify-\(UUID().uuidString.prefix(8)).sock").path
    let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
    let result = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    guard result == 0 else {
      close(fd)
      throw POSIXError(.init(rawValue: errno) ?? .EIO)
    }
    self.fd = fd
    let thread = Thread { [self] in self.receiveLoop() }
    thread.start()
  }

  private func receiveLoop() {
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      if count < 0 {
        if errno == EINTR { continue }
        return
      }
      if count == 0 { return }
      let message = String(decoding: buffer[0..<count], as: UTF8.self)
      received.withLock { $0.append((.now, message)) }
    }
  }

  /// Every message so far, oldest first.
  public var messages: [String] { received.withLock { $0.map(\.1) } }

  /// Every message so far with its arrival time.
  public var timedMessages: [(ContinuousClock.Instant, String)] { received.withLock { $0 } }

  deinit {
    shutdown(fd, Int32(SHUT_RDWR))
    close(fd)
    unlink(path)
  }
}
