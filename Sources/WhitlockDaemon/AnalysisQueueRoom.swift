import Synchronization

/// Places in a session's bounded analysis queue, taken by the acquisition loop before it starts
/// an acquisition and given back by the analysis loop as it takes a spectrum off the queue.
///
/// A source that produces faster than its detector analyses (a free-running simulator, a short
/// exposure on a loaded machine) is held back when the queue is full instead of acquiring a
/// spectrum that would have to be dropped: the queue absorbs bursts, and past that the instrument
/// runs at the analysis rate. One acquisition loop takes places; any number of givers may return
/// them.
final class AnalysisQueueRoom: Sendable {
  private struct State {
    var free: Int
    var waiter: CheckedContinuation<Bool, Never>?
    var closed = false
  }

  private let state: Mutex<State>

  /// A queue with `capacity` places, all free.
  init(capacity: Int) { state = Mutex(State(free: max(1, capacity))) }

  /// Whether a place is free now (without taking it).
  var hasRoom: Bool { state.withLock { $0.free > 0 } }

  /// Takes a place, waiting for one when the queue is full. Returns false, without a place,
  /// once the room is closed or the task is cancelled.
  func take() async -> Bool {
    enum Now { case taken, refused, wait }
    func attempt(_ state: inout State) -> Now {
      if state.closed { return .refused }
      guard state.free > 0 else { return .wait }
      state.free -= 1
      return .taken
    }
    switch state.withLock({ attempt(&$0) }) {
    case .taken: return true
    case .refused: return false
    case .wait: break
    }
    return await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
        let now = state.withLock { state -> Now in
          if Task.isCancelled { return .refused }
          let now = attempt(&state)
          if now == .wait { state.waiter = continuation }
          return now
        }
        if now != .wait { continuation.resume(returning: now == .taken) }
      }
    } onCancel: {
      wakeWaiter(closing: false)
    }
  }

  /// Returns a place: a spectrum left the queue (or its acquisition gave none to queue). A
  /// waiting taker gets it directly.
  func give() {
    let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
      if let waiter = state.waiter {
        state.waiter = nil
        return waiter
      }
      state.free += 1
      return nil
    }
    waiter?.resume(returning: true)
  }

  /// Wakes a waiting acquisition loop for good: the session is ending.
  func close() { wakeWaiter(closing: true) }

  private func wakeWaiter(closing: Bool) {
    let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
      if closing { state.closed = true }
      defer { state.waiter = nil }
      return state.waiter
    }
    waiter?.resume(returning: false)
  }
}
