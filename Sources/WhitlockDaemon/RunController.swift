import Foundation
import Spool
import Synchronization

/// Owns "the current run" while the daemon runs, so runs can be started and stopped without a
/// restart.
///
/// There is always a current run. The daemon starts in an automatic run (no sample id); `start`
/// ends the current run and begins one for the given sample; `stop` ends the current run and the
/// instruments continue in a new automatic run, so nothing measured is ever without a run and a
/// stop never interrupts an exposure. Instrument sessions read `current` before every
/// acquisition and, when it changed, write `run-end` for the old run and `run-start` for the new
/// one with their next record.
public final class RunController: Sendable {
  /// A change of run: the run that ended, why, and the one that began.
  public struct Transition: Sendable {
    public var ended: RunContext
    public var reason: String
    public var started: RunContext
    /// Counts the changes of run since the daemon started; orders news that travels by
    /// different paths.
    public var generation: UInt64
  }

  private struct State {
    var current: RunContext
    var generation: UInt64 = 0
    var endReasons: [String: String] = [:]
    var endOrder: [String] = []
    var listeners: [UInt64: AsyncStream<Transition>.Continuation] = [:]
    var nextListener: UInt64 = 0
  }

  private let state: Mutex<State>
  private let onTransition: @Sendable (Transition) -> Void

  /// - Parameters:
  ///   - initial: the run the daemon starts in (automatic unless it carries a sample id).
  ///   - onTransition: called after every change, outside the controller's lock (live events).
  public init(
    initial: RunContext = RunController.automaticRun(),
    onTransition: @escaping @Sendable (Transition) -> Void = { _ in }
  ) {
    state = Mutex(State(current: initial))
    self.onTransition = onTransition
  }

  /// The run that new acquisitions belong to.
  public var current: RunContext { state.withLock { $0.current } }

  /// The current run with the number of changes that led to it, read together.
  public var currentWithGeneration: (run: RunContext, generation: UInt64) {
    state.withLock { ($0.current, $0.generation) }
  }

  /// Every change of run from now on, as it happens (for what must react at once, such as a
  /// laser that goes off when an operator stops a run). Ends when the consuming task is
  /// cancelled.
  public func transitions() -> AsyncStream<Transition> {
    let (stream, continuation) = AsyncStream.makeStream(
      of: Transition.self, bufferingPolicy: .bufferingNewest(64))
    let key = state.withLock { state in
      state.nextListener += 1
      state.listeners[state.nextListener] = continuation
      return state.nextListener
    }
    continuation.onTermination = { [weak self] _ in
      _ = self?.state.withLock { $0.listeners.removeValue(forKey: key) }
    }
    return stream
  }

  /// Why `runID` ended (`new-run` or `stopped`), or `nil` while it has not.
  public func endReason(of runID: String) -> String? {
    state.withLock { $0.endReasons[runID] }
  }

  /// Ends the current run and starts one for `sampleID` at `pointID`, operated by `operatorName`.
  @discardableResult
  public func start(sampleID: String, operatorName: String?, pointID: String?) -> Transition {
    switchRun(
      to: RunContext(
        runID: Self.newRunID(), sampleID: sampleID, operatorName: operatorName, pointID: pointID,
        startedAt: Date()),
      reason: "new-run")
  }

  /// Ends the current run; the instruments continue in a new automatic run.
  @discardableResult
  public func stop() -> Transition {
    switchRun(to: Self.automaticRun(), reason: "stopped")
  }

  private func switchRun(to next: RunContext, reason: String) -> Transition {
    let (transition, listeners) = state.withLock { state in
      let ended = state.current
      state.current = next
      state.generation += 1
      state.endReasons[ended.runID] = reason
      state.endOrder.append(ended.runID)
      if state.endOrder.count > 64 {
        state.endReasons.removeValue(forKey: state.endOrder.removeFirst())
      }
      let transition = Transition(
        ended: ended, reason: reason, started: next, generation: state.generation)
      return (transition, Array(state.listeners.values))
    }
    for listener in listeners { listener.yield(transition) }
    onTransition(transition)
    return transition
  }

  /// A run without sample, operator or point: what the daemon measures when nobody started one.
  public static func automaticRun() -> RunContext {
    RunContext(runID: newRunID(), startedAt: Date())
  }

  private static func newRunID() -> String { UUID().uuidString.lowercased() }
}
