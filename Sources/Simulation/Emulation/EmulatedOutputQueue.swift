import Synchronization
import WhitlockCore

/// Bytes a device emulation has sent but the host has not read yet, per endpoint, each chunk
/// becoming readable at its own time (a spectrum after its integration time).
///
/// Unread bytes stay when a host connection goes away, as on a real serial line or USB endpoint,
/// so a new client sees the stale reply a killed one left behind.
public final class EmulatedOutputQueue: Sendable {
  private struct Chunk {
    var bytes: [UInt8]
    var readyAt: ContinuousClock.Instant
  }

  private struct State {
    var chunks: [UInt8: [Chunk]] = [:]
    var disconnected = false
  }

  private let state = Mutex(State())
  /// Name used in error messages.
  public let name: String

  public init(name: String) { self.name = name }

  /// Queues `bytes` on `endpoint`, readable after `delay`.
  public func send(_ bytes: [UInt8], endpoint: UInt8 = 0, after delay: Duration = .zero) {
    guard !bytes.isEmpty else { return }
    state.withLock {
      $0.chunks[endpoint, default: []].append(Chunk(bytes: bytes, readyAt: .now + delay))
    }
  }

  /// Marks the device gone (reads and writes throw `.disconnected`) or back.
  public func setDisconnected(_ value: Bool) { state.withLock { $0.disconnected = value } }

  /// The device loses power: everything queued is gone and it is off the bus until the next
  /// connection marks it back.
  public func powerOff() {
    state.withLock {
      $0.chunks.removeAll()
      $0.disconnected = true
    }
  }

  /// Whether the device is currently off the bus.
  public var isDisconnected: Bool { state.withLock { $0.disconnected } }

  /// Bytes queued on `endpoint`, ready or not.
  public func pendingCount(endpoint: UInt8 = 0) -> Int {
    state.withLock { $0.chunks[endpoint, default: []].reduce(0) { $0 + $1.bytes.count } }
  }

  /// Bytes the host could read right now, on every endpoint.
  public func readyCount() -> Int {
    let now = ContinuousClock.now
    return state.withLock { state in
      state.chunks.values.joined().filter { $0.readyAt <= now }.reduce(0) { $0 + $1.bytes.count }
    }
  }

  /// Throws `.disconnected` while the device is gone.
  public func checkConnected() throws {
    if isDisconnected { throw InstrumentError(.disconnected, "\(name) is disconnected") }
  }

  /// Up to `maxCount` ready bytes from `endpoint`, waiting until `deadline`.
  public func read(endpoint: UInt8 = 0, maxCount: Int, deadline: ContinuousClock.Instant)
    async throws -> [UInt8]
  {
    while true {
      try checkConnected()
      let taken: [UInt8]? = state.withLock { state in
        guard var queue = state.chunks[endpoint], let first = queue.first,
          first.readyAt <= .now
        else { return nil }
        let count = min(maxCount, first.bytes.count)
        let bytes = Array(first.bytes.prefix(count))
        if count == first.bytes.count {
          queue.removeFirst()
        } else {
          queue[0].bytes.removeFirst(count)
        }
        state.chunks[endpoint] = queue
        return bytes
      }
      if let taken { return taken }
      if ContinuousClock.now >= deadline {
        throw InstrumentError(.timeout, "\(name): nothing to read on endpoint \(endpoint)")
      }
      try await Task.sleep(for: .milliseconds(1))
    }
  }
}
