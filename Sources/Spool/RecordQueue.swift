/// The pump's backlog: a first-in, first-out ring of records, bounded in records.
///
/// Taking a record is O(1) and never shifts the others; the storage grows by doubling up to the
/// bound and is reused from then on, so a backlog that never empties (a disk slower than the
/// producers) holds at most `limit` records and never more storage than that.
struct RecordQueue<Element> {
  /// The most elements the queue holds; `append` refuses more.
  let limit: Int
  private var slots: [Element?] = []
  private var head = 0
  private(set) var count = 0

  init(limit: Int) { self.limit = max(0, limit) }

  /// How many elements the storage has room for (at most `limit`).
  var storageCapacity: Int { slots.count }

  var isEmpty: Bool { count == 0 }
  var isFull: Bool { count >= limit }

  /// The oldest element, left in the queue.
  var first: Element? { count == 0 ? nil : slots[head] }

  /// Adds `element` at the end; returns `false` (and keeps nothing) when the queue is full.
  mutating func append(_ element: Element) -> Bool {
    guard count < limit else { return false }
    if count == slots.count { grow() }
    slots[(head + count) % slots.count] = element
    count += 1
    return true
  }

  /// Removes the oldest element.
  mutating func removeFirst() {
    guard count > 0 else { return }
    slots[head] = nil
    head = (head + 1) % slots.count
    count -= 1
  }

  /// Doubles the storage (up to `limit`), laying the elements out from index 0 again.
  private mutating func grow() {
    let size = min(limit, max(16, slots.count * 2))
    var larger = [Element?](repeating: nil, count: size)
    for index in 0..<count { larger[index] = slots[(head + index) % slots.count] }
    slots = larger
    head = 0
  }
}
