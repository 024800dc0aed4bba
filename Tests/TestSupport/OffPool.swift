import WhitlockCore

/// Runs a non-escaping, non-`Sendable` closure on a thread of its own (`offPool`) and waits for
/// it.
///
/// For polling conditions written as plain closures over a test's local state: the calling task
/// is suspended until the closure returns, so the closure never runs concurrently with the code
/// that captured that state.
public func offPool<T>(borrowing work: () -> T) async -> T {
  await withoutActuallyEscaping(work) { escapable in
    let box = UncheckedBox(escapable)
    let result = await offPool { UncheckedBox(box.value()) }
    return result.value
  }
}

/// Carries a value across the thread boundary of `offPool(borrowing:)`, where the caller is
/// suspended for the whole time the other thread uses it.
private struct UncheckedBox<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}
