import Glibc
import Synchronization
import WhitlockCore

/// A connected `AF_UNIX` stream socket with blocking reads and writes, for links between local
/// processes of the test bench (the umockdev testbed and the USB device emulations), where a
/// dedicated thread per link is simpler than readiness polling.
public final class UnixStreamSocket: Sendable {
  private let descriptor: Int32
  private let writeLock = Mutex(())
  private let closed = Atomic(false)

  private init(descriptor: Int32) { self.descriptor = descriptor }

  /// Listens on `path` (replacing a stale socket file); `accept()` then waits for the peer.
  ///
  /// - Throws: `InstrumentError` `.configuration` when the path is too long or cannot be bound.
  public static func listen(at path: String) throws -> Listener {
    let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard listener >= 0 else { throw failure("socket", path) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
      Glibc.close(listener)
      throw InstrumentError(.configuration, "socket path \(path) is too long")
    }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      raw.copyBytes(from: bytes)
      raw[bytes.count] = 0
    }
    unlink(path)
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    guard bound == 0, Glibc.listen(listener, 1) == 0 else {
      Glibc.close(listener)
      throw failure("bind", path)
    }
    return Listener(descriptor: listener, path: path)
  }

  /// A listening socket that hands out its first connection.
  public final class Listener: Sendable {
    private let descriptor: Int32
    /// Where it listens.
    public let path: String

    fileprivate init(descriptor: Int32, path: String) {
      self.descriptor = descriptor
      self.path = path
    }

    /// Blocks until a peer connects.
    public func accept() throws -> UnixStreamSocket {
      var connection: Int32
      repeat {
        connection = Glibc.accept(descriptor, nil, nil)
      } while connection < 0 && errno == EINTR
      guard connection >= 0 else { throw failure("accept", path) }
      _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
      return UnixStreamSocket(descriptor: connection)
    }

    deinit { Glibc.close(descriptor) }
  }

  fileprivate static func failure(_ call: String, _ path: String) -> InstrumentError {
    InstrumentError(.configuration, "\(call) on \(path): \(String(cString: strerror(errno)))")
  }

  /// Up to `maxCount` bytes, blocking until some arrive; empty at end of stream or after close.
  public func read(maxCount: Int) -> [UInt8] {
    var buffer = [UInt8](repeating: 0, count: maxCount)
    while !closed.load(ordering: .relaxed) {
      let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, maxCount) }
      if count > 0 { return Array(buffer.prefix(count)) }
      if count < 0 && errno == EINTR { continue }
      return []
    }
    return []
  }

  /// Writes every byte; returns false once the peer is gone.
  @discardableResult
  public func write(_ bytes: [UInt8]) -> Bool {
    writeLock.withLock { _ in
      var offset = 0
      while offset < bytes.count {
        let count = bytes[offset...].withUnsafeBytes {
          Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
        }
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { return false }
        offset += count
      }
      return true
    }
  }

  /// Shuts the connection down, waking a blocked reader.
  public func close() {
    guard !closed.exchange(true, ordering: .relaxed) else { return }
    shutdown(descriptor, Int32(SHUT_RDWR))
  }

  deinit { Glibc.close(descriptor) }
}
