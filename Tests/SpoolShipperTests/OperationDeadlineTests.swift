import Synchronization
import Testing

@testable import SpoolShipper

/// The deadline around database operations: the first outcome wins, and a value that arrives
/// after the deadline (a connection slow to open) is handed over to be closed, not leaked.
@Suite struct OperationDeadlineTests {
  @Test func anOperationWithinTheDeadlineReturnsItsValue() async throws {
    let value = try await OperationDeadline.run(
      .seconds(30), expired: { DatabaseFailure(kind: .unreachable, message: "late") }
    ) { () async throws(DatabaseFailure) -> Int in 7 }
    #expect(value == 7)
  }

  @Test func anOperationsOwnFailureIsThrown() async {
    await #expect(throws: DatabaseFailure.self) {
      try await OperationDeadline.run(
        .seconds(30), expired: { DatabaseFailure(kind: .unreachable, message: "late") }
      ) { () async throws(DatabaseFailure) -> Int in
        throw DatabaseFailure(kind: .refused, message: "refused")
      }
    }
  }

  @Test func aLateValueIsDiscardedAndTheCallerGetsTheExpiry() async {
    let (discarded, discard) = AsyncStream.makeStream(of: Int.self)
    let release = Gate()
    do {
      _ = try await OperationDeadline.run(
        .milliseconds(50), expired: { DatabaseFailure(kind: .unreachable, message: "expired") },
        discardLate: { late in discard.yield(late) }
      ) { () async throws(DatabaseFailure) -> Int in
        // Ignores cancellation the way a stuck network call does, then produces its value.
        await release.wait()
        return 42
      }
      Issue.record("the deadline did not expire")
    } catch {
      #expect(error.message == "expired")
    }
    release.open()
    var iterator = discarded.makeAsyncIterator()
    #expect(await iterator.next() == 42)
  }
}

/// A one-shot gate that ignores task cancellation.
private final class Gate: Sendable {
  private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

  func wait() async {
    await withCheckedContinuation { continuation in
      let isOpen = state.withLock { state in
        if !state.open { state.waiters.append(continuation) }
        return state.open
      }
      if isOpen { continuation.resume() }
    }
  }

  func open() {
    let waiters = state.withLock { state in
      state.open = true
      defer { state.waiters = [] }
      return state.waiters
    }
    for waiter in waiters { waiter.resume() }
  }
}
