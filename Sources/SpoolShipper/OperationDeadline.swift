import Synchronization

/// Runs a database operation with a deadline, so that a connection that stops answering (a
/// network cut without a reset, a server that hangs, a connection lost between two statements)
/// becomes a failure to retry instead of a shipper that waits forever.
///
/// The operation runs in its own task; if the deadline passes first the caller gets `expired()`
/// and the operation is cancelled and left behind. That is safe for exactly-once: a segment only
/// leaves `new/` after its transaction returned, and one retried on a new connection adds
/// nothing that is already stored.
enum OperationDeadline {
  static func run<Value: Sendable>(
    _ limit: Duration,
    expired: @escaping @Sendable () -> DatabaseFailure,
    _ operation: @escaping @Sendable () async throws(DatabaseFailure) -> Value
  ) async throws(DatabaseFailure) -> Value {
    let outcome = await withCheckedContinuation { continuation in
      let once = ResumeOnce<Value>(continuation)
      let timer = Task {
        do { try await Task.sleep(for: limit) } catch { return }
        once.resume(.failure(expired()))
      }
      Task {
        let result: Result<Value, DatabaseFailure>
        do throws(DatabaseFailure) {
          result = .success(try await operation())
        } catch {
          result = .failure(error)
        }
        timer.cancel()
        once.resume(result)
      }
    }
    return try outcome.get()
  }

  /// Resumes a continuation with whichever outcome comes first.
  private final class ResumeOnce<Value: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<Result<Value, DatabaseFailure>, Never>?>

    init(_ continuation: CheckedContinuation<Result<Value, DatabaseFailure>, Never>) {
      self.continuation = Mutex(continuation)
    }

    func resume(_ result: Result<Value, DatabaseFailure>) {
      let waiting = continuation.withLock { waiting in
        defer { waiting = nil }
        return waiting
      }
      waiting?.resume(returning: result)
    }
  }
}
