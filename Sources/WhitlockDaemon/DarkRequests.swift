import Synchronization
import WhitlockCore

/// Dark requests waiting for a session's acquisition loop, which takes the dark between two
/// spectra (never during one) and answers every request waiting then with it.
final class DarkRequests: Sendable {
  private struct State {
    var open = true
    var waiting: [CheckedContinuation<DarkFrame, any Error>] = []
  }

  private let state = Mutex(State())

  /// Waits for the next dark the session takes.
  func next() async throws -> DarkFrame {
    try await withCheckedThrowingContinuation { continuation in
      let queued = state.withLock { state -> Bool in
        guard state.open else { return false }
        state.waiting.append(continuation)
        return true
      }
      if !queued {
        continuation.resume(throwing: DarkRefusal("the instrument's session has ended"))
      }
    }
  }

  /// Whether anyone is waiting.
  var pending: Bool { state.withLock { !$0.waiting.isEmpty } }

  /// Everyone waiting now; the caller answers them.
  func take() -> [CheckedContinuation<DarkFrame, any Error>] {
    state.withLock { state in
      defer { state.waiting = [] }
      return state.waiting
    }
  }

  /// Refuses everyone waiting and every later request.
  func close() {
    let waiting = state.withLock { state in
      state.open = false
      defer { state.waiting = [] }
      return state.waiting
    }
    for continuation in waiting {
      continuation.resume(throwing: DarkRefusal("the instrument's session has ended"))
    }
  }
}
