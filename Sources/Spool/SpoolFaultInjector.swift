import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Filesystem faults injected into a `SpoolWriter` by tests and by the fault matrix, so the
/// full-disk path (failed writes, failed publication, recovery once space returns) and the
/// failing-device path (EIO from `write`, `fsync` or `ftruncate`) can be exercised without a small
/// filesystem, a mount or a broken disk. Production writers have none.
protocol SpoolFaultInjector: AnyObject, Sendable {
  /// A fault for the write of `count` bytes to `path`: the write stores `partial` bytes, then
  /// fails with `errno`, as a write(2) on a filesystem that runs out of space does. `nil` writes
  /// normally.
  func writeFault(path: String, count: Int) -> (errno: Int32, partial: Int)?

  /// An errno with which the `fsync` that publishes the segment at `path` (or that makes a
  /// rewritten copy of it durable) fails, or `nil` to fsync normally.
  func publishFault(path: String) -> Int32?

  /// An errno with which the `ftruncate` that rolls a failed write back in the segment at `path`
  /// fails (the file then keeps the partial record), or `nil` to truncate normally.
  func truncateFault(path: String) -> Int32?
}

extension SpoolFaultInjector {
  func truncateFault(path: String) -> Int32? { nil }
}

/// One failing operation of a failing device, injected once: the `occurrence`-th `fsync` of a
/// segment or the `occurrence`-th record `write` fails with EIO and the pages the file held are
/// lost (its bytes on disk become zeros, what a device that failed writeback leaves to read back),
/// or the `occurrence`-th record write runs out of space halfway and rolling it back with
/// `ftruncate` fails with EIO, leaving the half record in the file.
///
/// Tests install it directly; the daemon installs it when `environmentVariable` is set (the fault
/// matrix's "fsync EIO (injected)" row), so the real binary can be shown to lose nothing.
public final class SpoolInjectedFault: SpoolFaultInjector, CustomStringConvertible {
  /// The operation that fails.
  public enum Operation: String, Sendable, CaseIterable {
    case fsync, write, ftruncate
  }

  /// `WHITLOCK_SPOOL_INJECT_FAULT=OPERATION:N`, e.g. `fsync:2`: only for tests and the fault
  /// matrix. The daemon logs a warning when it is set.
  public static let environmentVariable = "WHITLOCK_SPOOL_INJECT_FAULT"

  public let operation: Operation
  public let occurrence: Int
  private struct State {
    var seen = 0
    var fired = false
    var truncatePending = false
  }
  private let state = Mutex(State())

  public init(_ operation: Operation, occurrence: Int) {
    self.operation = operation
    self.occurrence = max(1, occurrence)
  }

  /// The fault that `environment` asks for, `nil` when it asks for none; throws on a value that
  /// does not parse, so a mistyped request is not taken for "no fault".
  public static func fromEnvironment(_ environment: [String: String]) throws(SpoolError)
    -> SpoolInjectedFault?
  {
    guard let value = environment[environmentVariable], !value.isEmpty else { return nil }
    let parts = value.split(separator: ":", maxSplits: 1).map(String.init)
    guard parts.count == 2, let operation = Operation(rawValue: parts[0]),
      let occurrence = Int(parts[1]), occurrence >= 1
    else {
      throw SpoolError(
        .io,
        "\(environmentVariable)=\(value): expected fsync:N, write:N or ftruncate:N with N ≥ 1")
    }
    return SpoolInjectedFault(operation, occurrence: occurrence)
  }

  /// Whether the fault has happened.
  public var fired: Bool { state.withLock { $0.fired } }

  public var description: String {
    "\(operation.rawValue) of segment write #\(occurrence) fails with EIO (injected)"
  }

  func writeFault(path: String, count: Int) -> (errno: Int32, partial: Int)? {
    guard operation != .fsync, !path.hasSuffix(SpoolWriter.rewriteSuffix) else { return nil }
    let fire = state.withLock { state -> Bool in
      guard !state.fired else { return false }
      state.seen += 1
      guard state.seen == occurrence else { return false }
      state.fired = true
      state.truncatePending = operation == .ftruncate
      return true
    }
    guard fire else { return nil }
    if operation == .ftruncate { return (ENOSPC, count / 2) }
    Self.losePages(path)
    return (EIO, count / 2)
  }

  func publishFault(path: String) -> Int32? {
    guard operation == .fsync, !path.hasSuffix(SpoolWriter.rewriteSuffix) else { return nil }
    let fire = state.withLock { state -> Bool in
      guard !state.fired else { return false }
      state.seen += 1
      guard state.seen == occurrence else { return false }
      state.fired = true
      return true
    }
    guard fire else { return nil }
    Self.losePages(path)
    return EIO
  }

  func truncateFault(path: String) -> Int32? {
    state.withLock { state in
      guard state.truncatePending else { return nil }
      state.truncatePending = false
      return EIO
    }
  }

  /// Overwrites the file's bytes with zeros: the pages a failed writeback lost.
  private static func losePages(_ path: String) {
    let fd = Glibc.open(path, O_WRONLY | O_CLOEXEC)
    guard fd >= 0 else { return }
    defer { Glibc.close(fd) }
    var status = stat()
    guard fstat(fd, &status) == 0, status.st_size > 0 else { return }
    let zeros = [UInt8](repeating: 0, count: Int(status.st_size))
    _ = zeros.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
  }
}
