import Foundation
import Synchronization

/// Runs blocking work (a process wait, a blocking socket exchange, a read of a whole file) on a
/// thread of its own and suspends the calling task until it is done.
///
/// Swift's cooperative pool has one thread per core: two on the machines whitlockd and its test
/// suite run on. A blocking call made directly from `async` code parks one of them, and every
/// other task in the process (instrument sessions, the monitor, in-process emulators in tests)
/// waits behind it. Blocking calls reach async code only through this function, or through a
/// dedicated thread or queue of their own (`DescriptorIO`, `SpoolPump`); `scripts/lint-blocking.sh`
/// and `BlockingWork.assertOffPool` keep it so.
public func offPool<T: Sendable>(
  _ work: @escaping @Sendable () throws -> T
) async throws -> T {
  try await withCheckedThrowingContinuation { continuation in
    let thread = Thread { continuation.resume(with: Result { try work() }) }
    thread.name = "blocking-call"
    thread.start()
  }
}

/// `offPool` for work that cannot fail.
public func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
  await withCheckedContinuation { continuation in
    let thread = Thread { continuation.resume(returning: work()) }
    thread.name = "blocking-call"
    thread.start()
  }
}

/// The debug-build guard of the rule above.
public enum BlockingWork {
  /// Whether `assertOffPool` is off for this process (see `allowBlockingInTasks`).
  private static let allowed = Atomic<Bool>(false)

  /// Turns `assertOffPool` off for this process: for one-shot command-line tools, whose main
  /// task blocking on its one request holds up nothing else.
  public static func allowBlockingInTasks() { allowed.store(true, ordering: .relaxed) }

  /// Stops a debug build when `operation`, a call that may block for long, runs inside a Swift
  /// task (on the cooperative pool) rather than on a thread of its own. Release builds check
  /// nothing.
  ///
  /// Called at the top of the public functions that block on a socket, a process or a whole
  /// spool: the first test that reaches one from async code fails loudly at the call, instead of
  /// slowing the whole suite on a two-core machine.
  public static func assertOffPool(
    _ operation: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line
  ) {
    #if DEBUG
      guard !allowed.load(ordering: .relaxed) else { return }
      let inTask = withUnsafeCurrentTask { $0 != nil }
      if inTask {
        assertionFailure(
          "\(operation()) blocks and was called from a Swift task: run it through offPool",
          file: file, line: line)
      }
    #endif
  }
}
