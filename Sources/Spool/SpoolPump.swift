import Dispatch
import Foundation
import Synchronization

/// Feeds records to a `SpoolWriter` on a dedicated thread, so that no acquisition ever waits for
/// `write(2)`, `fsync(2)` or a full disk.
///
/// Producers call `submit`, which never blocks: records wait in a backlog bounded in records
/// (`capacity`), a ring whose storage never exceeds the bound however long the disk stays slower
/// than the producers. The thread writes them in order, publishes segments on their size and age
/// limits, and when a write fails (for example with ENOSPC) keeps the record, reports the failure
/// through `onStateChange` and retries until space returns. When the backlog is full, `submit`
/// refuses the record and counts it (`Counters.refused`), so a loss is always visible, never
/// silent. A segment file the writer abandoned after a failed `write`, `fsync` or `ftruncate` (its
/// records rewritten into a new file) is reported once through `onSegmentAbandoned` and counted.
public final class SpoolPump: Sendable {
  /// The pump's health, reported on every change.
  public enum State: Sendable, Equatable {
    /// Writing normally.
    case writing
    /// The last write or publication failed; the records are kept and the write is retried.
    case failing(String)
  }

  /// Counters for metrics, the log and `run-end` summaries.
  public struct Counters: Sendable, Equatable {
    public var submitted: UInt64 = 0
    public var written: UInt64 = 0
    public var refused: UInt64 = 0
    public var backlog: Int = 0
    public var segmentsPublished: UInt64 = 0
    public var bytesWritten: UInt64 = 0
    public var lastSequence: UInt64 = 0
    /// Segment files abandoned after a failed `write`, `fsync` or `ftruncate`; their records were
    /// rewritten into a new file (`SpoolWriter.AbandonedSegment`).
    public var segmentsAbandoned: UInt64 = 0
  }

  private struct Shared {
    var queue: RecordQueue<SpoolRecord>
    var counters = Counters()
    var finishing = false
    var finishTimeout = 3.0
    var finishedWaiters: [CheckedContinuation<Void, Never>] = []
    var finished = false
  }

  private let shared: Mutex<Shared>
  private let wakeUp = DispatchSemaphore(value: 0)  // blocking-ok: waited on by the writer thread
  private let retryInterval: Double
  private let onStateChange: @Sendable (State) -> Void
  private let onWritten: @Sendable (SpoolRecord, UInt64) -> Void
  private let onPublished: @Sendable (ClosedRange<UInt64>) -> Void
  private let onSegmentAbandoned: @Sendable (SpoolWriter.AbandonedSegment) -> Void

  /// Starts the writer thread. `writer` is used from that thread only from now on.
  ///
  /// - Parameters:
  ///   - capacity: records held while the disk is slow or full before new ones are refused.
  ///   - retryInterval: seconds between attempts after a failed write.
  ///   - onStateChange: called on the writer thread when writing starts failing or recovers.
  ///   - onWritten: called on the writer thread after each record is in its segment, with its `seq`.
  ///   - onPublished: called on the writer thread after a segment is durable in `new/`, with the
  ///     sequence numbers it holds.
  ///   - onSegmentAbandoned: called on the writer thread, once per file, when the writer gave up a
  ///     segment file after a failed `write`, `fsync` or `ftruncate`: for the log, which should
  ///     name the file and the errno.
  public init(
    writer: sending SpoolWriter, capacity: Int = 20_000, retryInterval: Double = 1,
    onStateChange: @escaping @Sendable (State) -> Void = { _ in },
    onWritten: @escaping @Sendable (SpoolRecord, UInt64) -> Void = { _, _ in },
    onPublished: @escaping @Sendable (ClosedRange<UInt64>) -> Void = { _ in },
    onSegmentAbandoned: @escaping @Sendable (SpoolWriter.AbandonedSegment) -> Void = { _ in }
  ) {
    self.onPublished = onPublished
    self.onSegmentAbandoned = onSegmentAbandoned
    shared = Mutex(Shared(queue: RecordQueue(limit: capacity)))
    self.retryInterval = retryInterval
    self.onStateChange = onStateChange
    self.onWritten = onWritten
    let box = WriterBox(writer)
    let thread = Thread { [self] in self.loop(box.writer) }
    thread.name = "spool-writer"
    thread.start()
  }

  /// Queues a record for writing. Returns `false` (and counts it) when the backlog is full.
  @discardableResult
  public func submit(_ record: SpoolRecord) -> Bool {
    let accepted = shared.withLock { state -> Bool in
      guard !state.finishing, state.queue.append(record) else {
        state.counters.refused += 1
        return false
      }
      state.counters.submitted += 1
      state.counters.backlog = state.queue.count
      return true
    }
    if accepted { wakeUp.signal() }
    return accepted
  }

  /// A snapshot of the counters.
  public var counters: Counters { shared.withLock { $0.counters } }

  /// Places the backlog's storage has (never more than `capacity`), for tests.
  var backlogStorageCapacity: Int { shared.withLock { $0.queue.storageCapacity } }

  /// Writes everything queued, publishes the open segment and stops the thread.
  ///
  /// If the disk stays unwritable, gives up after `timeout` seconds and leaves what it could not
  /// write counted in `backlog` (the caller logs it).
  public func finish(timeout: Double = 3) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      let done = shared.withLock { state -> Bool in
        if state.finished { return true }
        state.finishing = true
        state.finishTimeout = timeout
        state.finishedWaiters.append(continuation)
        return false
      }
      if done { continuation.resume() } else { wakeUp.signal() }
    }
  }

  private func loop(_ writer: SpoolWriter) {
    var failing: String?
    var finishDeadline: ContinuousClock.Instant?
    while true {
      let (next, finishing, finishTimeout) = shared.withLock {
        state -> (SpoolRecord?, Bool, Double) in
        (state.queue.first, state.finishing, state.finishTimeout)
      }
      if finishing && finishDeadline == nil { finishDeadline = .now + .seconds(finishTimeout) }
      let publishedBefore = writer.statistics.segmentsPublished
      let writtenBefore = writer.statistics.recordsWritten
      // Accounts for what reached the disk, also when a later step of the same call failed: a
      // record appended before its segment's publication failed is written and must not be
      // written again (that would duplicate it under a new seq).
      let account = { [self] in
        if let record = next, writer.statistics.recordsWritten > writtenBefore {
          let seq = writer.nextSequence - 1
          let bytes = writer.statistics.bytesWritten
          shared.withLock { state in
            state.queue.removeFirst()
            state.counters.written += 1
            state.counters.backlog = state.queue.count
            state.counters.lastSequence = seq
            state.counters.bytesWritten = bytes
          }
          onWritten(record, seq)
        }
        let published = writer.statistics.segmentsPublished
        if published != publishedBefore, let range = writer.lastPublishedRange {
          shared.withLock { $0.counters.segmentsPublished = published }
          onPublished(range)
        }
        for segment in writer.takeAbandonedSegments() {
          shared.withLock { $0.counters.segmentsAbandoned += 1 }
          onSegmentAbandoned(segment)
        }
      }
      do {
        if let record = next {
          try writer.append(record)
        } else if finishing {
          try writer.publish()
        } else {
          try writer.publishIfDue()
        }
        account()
        if failing != nil {
          failing = nil
          onStateChange(.writing)
        }
        if next == nil && finishing { break }
      } catch {
        account()
        if failing != error.description {
          failing = error.description
          onStateChange(.failing(error.description))
        }
        if let finishDeadline, ContinuousClock.now >= finishDeadline { break }
        _ = wakeUp.wait(timeout: .now() + retryInterval)  // blocking-ok: the writer thread
        continue
      }
      if next == nil {
        let timeout: DispatchTime
        if let deadline = writer.publicationDeadline {
          let remaining = max(0, ContinuousClock.now.duration(to: deadline).seconds)
          timeout = .now() + remaining
        } else {
          timeout = .distantFuture
        }
        _ = wakeUp.wait(timeout: timeout)  // blocking-ok: the writer thread
      }
    }
    let waiters = shared.withLock { state -> [CheckedContinuation<Void, Never>] in
      state.finished = true
      defer { state.finishedWaiters.removeAll() }
      return state.finishedWaiters
    }
    for waiter in waiters { waiter.resume() }
  }
}

/// Carries the non-Sendable writer into the thread that will own it from then on.
private final class WriterBox: @unchecked Sendable {
  let writer: SpoolWriter
  init(_ writer: sending SpoolWriter) { self.writer = writer }
}

extension Duration {
  /// The duration in seconds as a `Double`.
  var seconds: Double {
    let (whole, attoseconds) = components
    return Double(whole) + Double(attoseconds) / 1e18
  }
}
