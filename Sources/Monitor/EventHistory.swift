/// The most recent live events in a fixed-size ring, so a client that reconnects with
/// `Last-Event-ID` receives what it missed without the daemon keeping an unbounded log.
struct EventHistory: Sendable {
  private var slots: [LiveEvent?]
  private var next = 0
  private(set) var count = 0

  /// - Parameter capacity: events kept; at least 1.
  init(capacity: Int) {
    slots = Array(repeating: nil, count: max(1, capacity))
  }

  var capacity: Int { slots.count }

  mutating func append(_ event: LiveEvent) {
    slots[next] = event
    next = (next + 1) % slots.count
    count = min(count + 1, slots.count)
  }

  /// The events kept, oldest first.
  var events: [LiveEvent] {
    let start = (next - count + slots.count) % slots.count
    return (0..<count).compactMap { slots[(start + $0) % slots.count] }
  }

  /// Events newer than `id`, oldest first, and how many newer events were already overwritten
  /// (a gap the client cannot recover from the ring).
  func events(after id: UInt64) -> (events: [LiveEvent], missed: UInt64) {
    let kept = events.filter { $0.id > id }
    guard let oldest = kept.first else { return ([], 0) }
    let missed = oldest.id > id + 1 ? oldest.id - id - 1 : 0
    return (kept, missed)
  }
}
