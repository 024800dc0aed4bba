/// A growable block of doubles owned by a pipeline and reused across spectra.
///
/// `reserve(_:)` reallocates only when a longer spectrum arrives, so in steady state (same length
/// spectra one after the other) the numeric code runs without touching the heap. Callers copy
/// `pointer` into a local before hot loops so the optimiser sees a plain pointer.
final class ScratchBuffer {
  /// Start of the block; valid for `capacity` elements until the next growing `reserve`.
  private(set) var pointer: UnsafeMutablePointer<Double>
  /// Number of elements the block holds.
  private(set) var capacity: Int

  /// Creates a block of at least `capacity` elements, all zero.
  init(capacity: Int = 16) {
    self.capacity = max(capacity, 1)
    pointer = .allocate(capacity: self.capacity)
    pointer.initialize(repeating: 0, count: self.capacity)
  }

  deinit { pointer.deallocate() }

  /// Makes room for `count` elements, keeping nothing of the old contents when it grows.
  @discardableResult
  func reserve(_ count: Int) -> UnsafeMutablePointer<Double> {
    if count > capacity {
      pointer.deallocate()
      capacity = max(count, capacity * 2)
      pointer = .allocate(capacity: capacity)
      pointer.initialize(repeating: 0, count: capacity)
    }
    return pointer
  }
}
