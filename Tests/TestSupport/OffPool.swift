import Foundation
import WhitlockCore

/// Runs a non-escaping, non-`Sendable` closure on a thread of its own (as `offPool` does) and
/// waits for it.
///
/// For polling conditions written as plain closures over a test's local state: the calling task
/// is suspended until the closure returns, so the closure never runs concurrently with the code
/// that captured that state.
public func offPool<T>(borrowing work: () -> T) async -> T {
  await withoutActuallyEscaping(work) { escapable in
    let call = BorrowedCall(escapable)
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      // The thread holds only `call`, which lets go of the closure before the task resumes:
      // `withoutActuallyEscaping` checks that nothing kept it.
      let thread = Thread {
        call.run()
        continuation.resume()
      }
      thread.name = "test-blocking-call"
      thread.start()
    }
    return call.takeResult()
  }
}

/// One call of a borrowed closure on another thread. Only one thread uses it at a time: the
/// caller is suspended from `start` until the worker has stored the result.
private final class BorrowedCall<T>: @unchecked Sendable {
  private var work: (() -> T)?
  private var result: T?

  init(_ work: @escaping () -> T) { self.work = work }

  /// Calls the closure once and releases it before returning.
  func run() {
    guard let work else { return }
    self.work = nil
    result = work()
  }

  func takeResult() -> T {
    defer { result = nil }
    return result!
  }
}
