import Foundation
import Testing

/// A trait for tests that start whole programs (`whitlockd`, `whitlock-sim`, PostgreSQL,
/// `whitlockctl ship`): at most `ProcessHeavy.slots` such tests run at once.
///
/// Swift Testing runs every test of the process in parallel. Unit tests cost little, but each
/// integration test keeps one or more debug-built daemons analysing simulated spectra; ten of them
/// at once on a two-core machine give each a fifth of a core, and their deadlines, generous for
/// one, are missed together. Bounding how many run at once keeps each one's wall time close to
/// its own work, whatever else the machine does, while unit tests still fill the gaps.
struct ProcessHeavy: TestTrait, SuiteTrait, TestScoping {
  /// Applies to every test of a suite, not once around the suite.
  var isRecursive: Bool { true }

  /// How many process-heavy tests may run at once: `WHITLOCK_TEST_PROCESS_SLOTS`, else the
  /// number of cores (at least 2).
  static let slots: Int = {
    if let text = ProcessInfo.processInfo.environment["WHITLOCK_TEST_PROCESS_SLOTS"],
      let value = Int(text), value > 0
    {
      return value
    }
    return max(2, ProcessInfo.processInfo.activeProcessorCount)
  }()

  private static let gate = AsyncGate(slots: slots)

  func provideScope(
    for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
  ) async throws {
    // A suite's own scope (testCase nil, suite) passes straight through; each test takes a slot.
    guard testCase != nil || !test.isSuite else { return try await function() }
    await Self.gate.enter()
    do {
      try await function()
    } catch {
      await Self.gate.leave()
      throw error
    }
    await Self.gate.leave()
  }
}

extension Trait where Self == ProcessHeavy {
  /// The test starts whole programs; see `ProcessHeavy`.
  static var processHeavy: ProcessHeavy { ProcessHeavy() }
}

/// A counting semaphore for tasks: `enter` suspends (never blocks a thread) while every slot is
/// taken; waiters are admitted first come, first served.
actor AsyncGate {
  private var free: Int
  private var waiters: [CheckedContinuation<Void, Never>] = []

  init(slots: Int) { free = slots }

  func enter() async {
    if free > 0 {
      free -= 1
      return
    }
    await withCheckedContinuation { waiters.append($0) }
  }

  func leave() {
    if waiters.isEmpty {
      free += 1
    } else {
      waiters.removeFirst().resume()
    }
  }
}
