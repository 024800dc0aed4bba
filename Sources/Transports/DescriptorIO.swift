import Dispatch
import Glibc
import Synchronization
import WhitlockCore

/// Deadline-bounded I/O on one non-blocking file descriptor (a tty or a pseudo-terminal master).
///
/// Blocking waits (`poll`) run on a serial dispatch queue owned by the descriptor, never on the
/// Swift cooperative pool, so a slow device cannot starve other tasks. Waits are sliced into 50 ms
/// polls so cancellation and `close()` take effect promptly. Operations run one at a time in the
/// order they were issued.
final class DescriptorIO: Sendable {
  /// Name for messages.
  let name: String
  private let queue: DispatchQueue
  private let state: Mutex<State>

  private struct State {
    var descriptor: Int32
    var closing = false
  }

  /// Longest single `poll`, ms: how quickly cancellation and `close()` are noticed.
  private static let slice: Int32 = 50

  /// Takes ownership of `descriptor`, which must be open with `O_NONBLOCK`.
  init(descriptor: Int32, name: String) {
    self.name = name
    self.queue = DispatchQueue(label: "whitlockd.io.\(name)")
    self.state = Mutex(State(descriptor: descriptor))
  }

  /// Writes every byte before `deadline`.
  func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) async throws {
    try await perform { descriptor, cancelled in
      var offset = 0
      while offset < bytes.count {
        try self.waitFor(
          Int16(POLLOUT), descriptor, deadline: deadline, cancelled: cancelled, what: "write")
        let written = bytes[offset...].withUnsafeBytes { buffer in
          Glibc.write(descriptor, buffer.baseAddress, buffer.count)
        }
        if written < 0 {
          if errno == EAGAIN || errno == EINTR { continue }
          throw self.ioError(errno, during: "write")
        }
        offset += written
      }
    }
  }

  /// Reads 1…`maxCount` bytes, waiting until `deadline`.
  func read(maxCount: Int, deadline: ContinuousClock.Instant) async throws -> [UInt8] {
    try await perform { descriptor, cancelled in
      while true {
        try self.waitFor(
          Int16(POLLIN), descriptor, deadline: deadline, cancelled: cancelled, what: "reply")
        if let bytes = try self.readAvailable(descriptor, maxCount: maxCount) { return bytes }
      }
    }
  }

  /// Discards input until nothing arrives for `quietPeriod` (at most for `limit`); returns the
  /// number of bytes dropped.
  func drain(quietPeriod: Duration, limit: Duration) async throws -> Int {
    try await perform { descriptor, cancelled in
      let end = ContinuousClock.now + limit
      var dropped = 0
      while ContinuousClock.now < end {
        let quietUntil = min(ContinuousClock.now + quietPeriod, end)
        do {
          try self.waitFor(
            Int16(POLLIN), descriptor, deadline: quietUntil, cancelled: cancelled, what: "")
        } catch let error as InstrumentError where error.category == .timeout {
          return dropped
        }
        dropped += try self.readAvailable(descriptor, maxCount: 4096)?.count ?? 0
      }
      return dropped
    }
  }

  /// Runs `body` (here, on the queue) with the descriptor, for configuration calls.
  func withDescriptor<T: Sendable>(_ body: @escaping @Sendable (Int32) throws -> T) async throws
    -> T
  {
    try await perform { descriptor, _ in try body(descriptor) }
  }

  /// Stops pending waits and closes the descriptor; idempotent.
  func close() async {
    let first = state.withLock { state -> Bool in
      defer { state.closing = true }
      return !state.closing
    }
    guard first else { return }
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      queue.async {
        let descriptor = self.state.withLock { state -> Int32 in
          defer { state.descriptor = -1 }
          return state.descriptor
        }
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
        continuation.resume()
      }
    }
  }

  /// Closes synchronously; for `deinit` paths and failed opens.
  func closeNow() {
    let descriptor = state.withLock { state -> Int32 in
      state.closing = true
      defer { state.descriptor = -1 }
      return state.descriptor
    }
    if descriptor >= 0 { _ = Glibc.close(descriptor) }
  }

  private func perform<T: Sendable>(
    _ body: @escaping @Sendable (Int32, CancellationFlag) throws -> T
  ) async throws -> T {
    let flag = CancellationFlag()
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation {
        (continuation: CheckedContinuation<T, any Error>) in
        queue.async {
          let descriptor = self.state.withLock { $0.closing ? -1 : $0.descriptor }
          guard descriptor >= 0 else {
            continuation.resume(throwing: InstrumentError(.disconnected, "\(self.name) is closed"))
            return
          }
          continuation.resume(with: Result { try body(descriptor, flag) })
        }
      }
    } onCancel: {
      flag.cancel()
    }
  }

  private func waitFor(
    _ events: Int16, _ descriptor: Int32, deadline: ContinuousClock.Instant,
    cancelled: CancellationFlag, what: String
  ) throws {
    while true {
      if cancelled.isCancelled { throw CancellationError() }
      if state.withLock({ $0.closing }) {
        throw InstrumentError(.disconnected, "\(name) was closed")
      }
      let remaining = deadline - ContinuousClock.now
      if remaining <= .zero {
        throw InstrumentError(.timeout, "no \(what) from \(name) before the deadline")
      }
      let milliseconds =
        remaining.components.seconds * 1000
        + remaining.components.attoseconds / 1_000_000_000_000_000
      var entry = pollfd(fd: descriptor, events: events, revents: 0)
      let ready = poll(&entry, 1, Int32(min(Int64(Self.slice), max(milliseconds, 1))))
      if ready < 0 {
        if errno == EINTR { continue }
        throw ioError(errno, during: "poll")
      }
      if ready == 0 { continue }
      if entry.revents & events != 0 { return }
      if entry.revents & Int16(POLLNVAL) != 0 {
        throw InstrumentError(.disconnected, "\(name) is no longer open")
      }
      if entry.revents & Int16(POLLHUP | POLLERR) != 0 {
        throw InstrumentError(.disconnected, "\(name) hung up (device unplugged or peer closed)")
      }
    }
  }

  /// Reads what is available; `nil` when nothing was (spurious wake-up).
  private func readAvailable(_ descriptor: Int32, maxCount: Int) throws -> [UInt8]? {
    var buffer = [UInt8](repeating: 0, count: max(maxCount, 1))
    let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
    if count > 0 { return Array(buffer[0..<count]) }
    if count == 0 {
      throw InstrumentError(.disconnected, "\(name) reached end of file (device gone)")
    }
    if errno == EAGAIN || errno == EINTR { return nil }
    throw ioError(errno, during: "read")
  }

  private func ioError(_ code: Int32, during operation: String) -> InstrumentError {
    SerialPortError.instrumentError(errno: code, path: name, operation: operation)
  }
}

/// Set from a task's cancellation handler, read by the queue's wait loop.
final class CancellationFlag: Sendable {
  private let flag = Atomic<Bool>(false)

  func cancel() { flag.store(true, ordering: .relaxed) }
  var isCancelled: Bool { flag.load(ordering: .relaxed) }
}
