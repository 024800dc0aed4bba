import Foundation
import Records
import WhitlockCore

/// Reads and decodes a spool's records on a thread of its own and hands them to the caller in
/// sequence order, a batch at a time, so that parsing JSON and decoding the record models run
/// beside the caller's work on them (the NeXus export's HDF5 writing and compression). At most
/// `depth` batches wait for the caller, so memory stays bounded however long the spool is.
///
/// The caller sees exactly what a walk of `SpoolRecordStream` on its own thread would give, in
/// the same order: records, lines that are not records or do not decode (with file, line and
/// reason), and the end of each segment.
final class DecodedSpoolRecords: @unchecked Sendable {  // mutable state is guarded by `condition`
  /// One thing read from the spool.
  enum Item: Sendable {
    /// A record, decoded, with the segment and line it was read from.
    case record(StoredRecord, file: String, line: Int)
    /// A line that is not a record, or a record that does not decode.
    case problem(SpoolRecordStream.Problem)
    /// Segments read so far (after the last record of each).
    case segmentsDone(Int)
  }

  /// Thrown on the reader's thread when the caller has stopped reading.
  private struct Stopped: Error {}

  private let condition = NSCondition()
  private let batchSize: Int
  private let depth: Int
  private var ready: [[Item]] = []
  private var readerDone = false
  private var stopped = false

  /// Starts reading the records of `stream` with a sequence number in `sequences` (all when
  /// nil), `batchSize` items to a batch.
  init(
    stream: SpoolRecordStream, sequences: ClosedRange<UInt64>?, batchSize: Int = 16,
    depth: Int = 4
  ) {
    self.batchSize = max(1, batchSize)
    self.depth = max(1, depth)
    let thread = Thread { [self] in read(stream, sequences) }
    thread.name = "spool-reader"
    thread.start()
  }

  /// The next batch in sequence order, waiting for the reader; nil when the spool is read.
  func next() -> [Item]? {
    condition.lock()
    defer { condition.unlock() }
    while ready.isEmpty && !readerDone {
      condition.wait()  // blocking-ok: waits on this reader's thread; a synchronous export
    }
    guard !ready.isEmpty else { return nil }
    let batch = ready.removeFirst()
    condition.broadcast()
    return batch
  }

  /// Stops the reader and waits for its thread to end; the caller reads nothing more.
  func stop() {
    condition.lock()
    defer { condition.unlock() }
    stopped = true
    ready.removeAll()
    condition.broadcast()
    while !readerDone {
      condition.wait()  // blocking-ok: the reader ends at its next batch; a synchronous export
    }
  }

  /// The reader's thread: walks the spool, decodes each record, hands batches over.
  private func read(_ stream: SpoolRecordStream, _ sequences: ClosedRange<UInt64>?) {
    var batch: [Item] = []
    batch.reserveCapacity(batchSize + 1)
    func add(_ item: Item) throws(Stopped) {
      batch.append(item)
      if batch.count >= batchSize { try hand(&batch) }
    }
    do {
      try stream.forEach(
        in: sequences, problem: { problem throws(Stopped) in try add(.problem(problem)) },
        progress: { batch.append(.segmentsDone($0)) }
      ) { entry throws(Stopped) in
        let item: Item
        do throws(RecordDecodingError) {
          let record = try StoredRecord(
            entry.record, at: RecordLocation(file: entry.file, line: entry.line))
          item = .record(record, file: entry.file, line: entry.line)
        } catch {
          item = .problem(
            .init(
              file: entry.file, line: entry.line,
              reason: (error.member.isEmpty ? "" : error.member + ": ") + error.problem))
        }
        try add(item)
      }
      if !batch.isEmpty { try hand(&batch) }
    } catch {
      // The caller stopped reading: nothing more to hand over.
    }
    condition.lock()
    readerDone = true
    condition.broadcast()
    condition.unlock()
  }

  /// Queues `batch` for the caller (waiting while `depth` batches are queued) and empties it.
  private func hand(_ batch: inout [Item]) throws(Stopped) {
    condition.lock()
    defer { condition.unlock() }
    while ready.count >= depth && !stopped {
      condition.wait()  // blocking-ok: the reader's own thread, waiting for the caller
    }
    if stopped { throw Stopped() }
    ready.append(batch)
    condition.broadcast()
    batch = []
    batch.reserveCapacity(batchSize + 1)
  }
}
