import Synchronization

/// News of one instrument's device arriving or leaving, from the hotplug router to its session.
///
/// The session's reopen back-off waits on arrivals as well as on its timer, so a device that
/// appears is opened at once rather than after up to ten seconds of back-off; an acquisition in
/// flight waits on removals, so an unplugged device stops it cleanly instead of timing out. Both
/// are counted generations: a waiter names the generation it has seen and returns as soon as a
/// newer one exists, so news that arrives between two waits is never lost.
public final class DevicePresence: Sendable {
  /// Which kind of news.
  public enum Change: Sendable {
    case arrived
    case removed
  }

  private struct Waiter {
    let change: Change
    let continuation: CheckedContinuation<Bool, Never>
  }

  private struct State {
    var arrivals: UInt64 = 0
    var removals: UInt64 = 0
    var nextWaiter: UInt64 = 0
    var waiters: [UInt64: Waiter] = [:]

    func generation(_ change: Change) -> UInt64 {
      change == .arrived ? arrivals : removals
    }
  }

  private let state = Mutex(State())

  public init() {}

  /// The generation of `change` now: pass it to `wait(for:after:)`.
  public func generation(_ change: Change) -> UInt64 {
    state.withLock { $0.generation(change) }
  }

  /// Announces news and wakes everyone waiting for it.
  public func signal(_ change: Change) {
    let woken = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
      if change == .arrived { state.arrivals += 1 } else { state.removals += 1 }
      let ready = state.waiters.filter { $0.value.change == change }
      for key in ready.keys { state.waiters[key] = nil }
      return ready.values.map(\.continuation)
    }
    for continuation in woken { continuation.resume(returning: true) }
  }

  /// Waits until the generation of `change` exceeds `after`; returns `false` if the task was
  /// cancelled first.
  public func wait(for change: Change, after: UInt64) async -> Bool {
    let id = state.withLock { state -> UInt64 in
      state.nextWaiter += 1
      return state.nextWaiter
    }
    return await withTaskCancellationHandler {
      await withCheckedContinuation { continuation in
        let resumeNow: Bool? = state.withLock { state in
          if state.generation(change) > after { return true }
          if Task.isCancelled { return false }
          state.waiters[id] = Waiter(change: change, continuation: continuation)
          return nil
        }
        if let resumeNow { continuation.resume(returning: resumeNow) }
      }
    } onCancel: {
      let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
      waiter?.continuation.resume(returning: false)
    }
  }
}
