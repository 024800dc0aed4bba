import Foundation
import Synchronization

/// A TCP relay on a loopback port that forwards every connection to `target` and can go silent:
/// a network path that stops carrying packets without a reset (a pulled cable, a firewall that
/// drops them), which neither side notices by itself.
///
/// `silence()` stops forwarding on every open connection and leaves it open; connections made
/// while silent are accepted and carry nothing, like a handshake that gets no answer. `restore()`
/// brings the path back: new connections are forwarded again, and the connections silenced
/// earlier are closed, as the far end's reset would end them once packets flow again.
public final class SilenceableRelay: Sendable {
  /// The port the relay listens on (127.0.0.1).
  public let port: Int
  private let target: Int
  private let listener: Int32
  private let state = Mutex(State())

  private struct State {
    var silent = false
    var closed = false
    /// Each open connection's two descriptors, and whether it has been silenced.
    var connections: [(client: Int32, server: Int32, silenced: Bool)] = []
    var accepted = 0
  }

  /// Listens on a free loopback port and forwards to `127.0.0.1:target`.
  public init(forwardingTo target: Int) throws {
    self.target = target
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SubprocessFailure(description: "socket failed") }
    var yes: Int32 = 1
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
    var address = Self.loopback(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &length) == 0
      }
    }
    guard bound else {
      close(fd)
      throw SubprocessFailure(description: "cannot listen on a loopback port")
    }
    listener = fd
    port = Int(UInt16(bigEndian: address.sin_port))
    let relay = self
    Thread.detachNewThread { relay.acceptLoop() }
  }

  /// How many connections the relay has accepted so far.
  public var acceptedConnections: Int { state.withLock { $0.accepted } }

  /// Stops carrying anything, on open connections and new ones, without closing any.
  public func silence() {
    state.withLock { state in
      state.silent = true
      for index in state.connections.indices { state.connections[index].silenced = true }
    }
  }

  /// Carries new connections again and closes the ones silenced before.
  public func restore() {
    let stale = state.withLock { state in
      state.silent = false
      let stale = state.connections.filter(\.silenced)
      state.connections.removeAll(where: \.silenced)
      return stale
    }
    for connection in stale { Self.end(connection.client, connection.server) }
  }

  /// Closes the listener and every connection.
  public func shutDown() {
    let open = state.withLock { state -> [(client: Int32, server: Int32, silenced: Bool)]? in
      guard !state.closed else { return nil }
      state.closed = true
      defer { state.connections = [] }
      return state.connections
    }
    guard let open else { return }
    Glibc.shutdown(listener, Int32(SHUT_RDWR))
    close(listener)
    for connection in open { Self.end(connection.client, connection.server) }
  }

  private func acceptLoop() {
    while true {
      let client = accept(listener, nil, nil)
      if client < 0 {
        if errno == EINTR { continue }
        return
      }
      let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      var address = Self.loopback(port: target)
      let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
      }
      guard server >= 0, connected else {
        Self.end(client, server)
        continue
      }
      let keep = state.withLock { state in
        guard !state.closed else { return false }
        state.accepted += 1
        state.connections.append((client, server, state.silent))
        return true
      }
      guard keep else {
        Self.end(client, server)
        return
      }
      let relay = self
      Thread.detachNewThread { relay.pump(from: client, to: server, connection: client) }
      Thread.detachNewThread { relay.pump(from: server, to: client, connection: client) }
    }
  }

  /// Whether the connection whose client side is `client` may carry bytes: `nil` once it is
  /// gone, `false` while silenced.
  private func carries(_ client: Int32) -> Bool? {
    state.withLock { state in
      state.connections.first { $0.client == client }.map { !$0.silenced }
    }
  }

  /// Copies bytes from `source` to `destination` while the connection carries; a silenced
  /// connection's bytes are read (so neither side sees its buffers fill) and dropped.
  private func pump(from source: Int32, to destination: Int32, connection: Int32) {
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
      let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
      if count < 0 && errno == EINTR { continue }
      guard count > 0, let carries = carries(connection) else { break }
      guard carries else { continue }
      var sent = 0
      while sent < count {
        let written = buffer.withUnsafeBytes {
          write(destination, $0.baseAddress! + sent, count - sent)
        }
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else { break }
        sent += written
      }
    }
    // One side closed (or the relay ended the connection): end the other side too.
    let ended = state.withLock { state in
      guard let index = state.connections.firstIndex(where: { $0.client == connection }) else {
        return false
      }
      state.connections.remove(at: index)
      return true
    }
    if ended { Self.end(source, destination) }
  }

  private static func end(_ client: Int32, _ server: Int32) {
    for fd in [client, server] where fd >= 0 {
      Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }
    // The pumps may still be reading; closing after shutdown wakes them with EOF first.
    DispatchQueue.global().asyncAfter(deadline: .now() + 1) {
      for fd in [client, server] where fd >= 0 { close(fd) }
    }
  }

  private static func loopback(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return address
  }
}
