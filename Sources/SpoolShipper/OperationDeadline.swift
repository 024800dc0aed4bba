import Synchronization

/// Runs a database operation with a deadline, so that a connection that stops answering (a
/// network cut without a reset, a server that hangs, a connection lost between two statements)
/// becomes a failure to retry instead of a shipper that waits forever.
///
/// The operation runs in its own task; if the deadline passes first the caller gets `expired()`
/// and the operation is cancelled and left behind. That is safe for exactly-once: a segment only
/// leaves `new/` after its transaction returned, and one retried on a new connection adds
/// nothing that is already stored. A value the operation still produces after the deadline (a
/// connection that was slow to open) goes to `discardLate`, so it is closed rather than leaked.
enum OperationDeadline {
  static func run<Value: Sendable>(
    _ limit: Duration,
    expired: @escaping @Sendable () -> DatabaseFailure,
    discardLate: (@Sendable (Value) async -> Void)? = nil,
    _ operation: @escaping @Sendable () async throws(DatabaseFailure) -> Value
  ) async throws(DatabaseFailure) -> Value {
    let outcome = await withCheckedContinuation { continuation in
      let once = ResumeOnce<Value>(continuation)
      let work = Task {
        let result: Result<Value, DatabaseFailure>
        do throws(DatabaseFailure) {
          result = .success(try await operation())
        } catch {
          result = .failure(error)
        }
        once.cancelTimer()
        if !once.resume(result), case .success(let late) = result {
          await discardLate?(late)
        }
      }
      let sleeper = Task {
        do { try await Task.sleep(for: limit) } catch { return }
        if once.resume(.failure(expired())) { work.cancel() }
      }
      once.setTimer(sleeper)
    }
    return try outcome.get()
  }

  /// Resumes a continuation with whichever outcome comes first, and holds the deadline's timer
  /// so a finished operation can stop it.
  private final class ResumeOnce<Value: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<Result<Value, DatabaseFailure>, Never>?>
    private let timer = Mutex<(task: Task<Void, Never>?, finished: Bool)>((nil, false))

    init(_ continuation: CheckedContinuation<Result<Value, DatabaseFailure>, Never>) {
      self.continuation = Mutex(continuation)
    }

    /// Keeps the timer, or cancels it at once when the operation has already finished.
    func setTimer(_ task: Task<Void, Never>) {
      let finished = timer.withLock { timer in
        timer.task = task
        return timer.finished
      }
      if finished { task.cancel() }
    }

    func cancelTimer() {
      let task = timer.withLock { timer in
        timer.finished = true
        return timer.task
      }
      task?.cancel()
    }

    /// Returns whether this outcome was the first, the one the caller gets.
    @discardableResult
    func resume(_ result: Result<Value, DatabaseFailure>) -> Bool {
      let waiting = continuation.withLock { waiting in
        defer { waiting = nil }
        return waiting
      }
      waiting?.resume(returning: result)
      return waiting != nil
    }
  }
}
