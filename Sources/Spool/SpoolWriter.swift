import WhitlockCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Appends records to the spool: into a segment in `tmp/`, published atomically into `new/`.
///
/// Each record is written with one `write(2)` as soon as it arrives, so a crash of the daemon loses
/// nothing that was appended (recovery publishes it on the next start). Publication is
/// fsync(segment) → rename into `new/` → fsync both directories, so a reader never sees a partial
/// segment in `new/`. A failed write is rolled back to the last complete record, so a full disk
/// never leaves a torn line behind. One writer per spool, owned by one task.
public final class SpoolWriter {
  /// Counters for metrics and logs.
  public struct Statistics: Sendable, Equatable {
    public var recordsWritten: UInt64 = 0
    public var bytesWritten: UInt64 = 0
    public var segmentsPublished: UInt64 = 0
  }

  public let layout: SpoolLayout
  public let limits: SegmentLimits
  public private(set) var statistics = Statistics()

  private var sequence: SequenceAllocator
  private var encoded = JSONWriter(reservingCapacity: 256 * 1024)
  private var open: OpenSegment?

  /// Sequence numbers of the segment published last.
  public private(set) var lastPublishedRange: ClosedRange<UInt64>?

  /// Faults injected by tests; `nil` in production.
  var faultInjector: (any SpoolFaultInjector)?

  private struct OpenSegment {
    var fd: Int32
    var name: String
    var firstSeq: UInt64
    var lastSeq: UInt64
    var records: Int
    var bytes: Int
    var openedAt: ContinuousClock.Instant
  }

  /// Starts writing after `recovery` has brought the spool into a clean state.
  public init(layout: SpoolLayout, limits: SegmentLimits, recovery: SpoolRecoveryReport)
    throws(SpoolError)
  {
    self.layout = layout
    self.limits = limits
    sequence = try SequenceAllocator(layout: layout, atLeast: recovery.highestSequence + 1)
  }

  deinit {
    if let open { close(open.fd) }
  }

  /// The sequence number the next record will receive.
  public var nextSequence: UInt64 { sequence.peek }

  /// Whether a segment is open (records written but not yet published).
  public var hasOpenSegment: Bool { open != nil }

  /// Writes one record and returns its sequence number. Publishes the segment if a size limit is
  /// reached. On failure nothing of the record remains on disk and the error says why.
  @discardableResult
  public func append(_ record: SpoolRecord, now: ContinuousClock.Instant = .now) throws(SpoolError)
    -> UInt64
  {
    let seq = try sequence.take()
    encoded.reset()
    RecordEncoder.encode(record, seq: seq, into: &encoded)
    var segment: OpenSegment
    if let current = open {
      segment = current
    } else {
      do throws(SpoolError) {
        segment = try openSegment(firstSeq: seq, now: now)
      } catch {
        sequence.giveBack(seq)
        throw error
      }
    }
    let path = layout.tmp + "/" + segment.name
    do throws(SpoolError) {
      if let fault = faultInjector?.writeFault(path: path, count: encoded.bytes.count) {
        let partial = min(max(fault.partial, 0), encoded.bytes.count)
        try POSIXFile.writeAll(segment.fd, Array(encoded.bytes.prefix(partial)), path: path)
        throw POSIXFile.failure("cannot write", path, errno: fault.errno)
      }
      try POSIXFile.writeAll(segment.fd, encoded.bytes, path: path)
    } catch {
      // Roll back a partial write so the segment still ends on a complete record, and reuse the
      // sequence number for the next attempt: nothing on disk carries it.
      sequence.giveBack(seq)
      _ = ftruncate(segment.fd, off_t(segment.bytes))
      _ = lseek(segment.fd, off_t(segment.bytes), SEEK_SET)
      if segment.records == 0 {
        close(segment.fd)
        unlink(path)
        open = nil
      } else {
        open = segment
      }
      throw error
    }
    segment.records += 1
    segment.lastSeq = seq
    segment.bytes += encoded.bytes.count
    statistics.recordsWritten += 1
    statistics.bytesWritten += UInt64(encoded.bytes.count)
    open = segment
    if segment.records >= limits.maxRecords || segment.bytes >= limits.maxBytes {
      try publish()
    }
    return seq
  }

  /// Publishes the open segment if it has reached its age limit. Returns whether it did.
  @discardableResult
  public func publishIfDue(now: ContinuousClock.Instant = .now) throws(SpoolError) -> Bool {
    guard let segment = open else { return false }
    guard now - segment.openedAt >= .seconds(limits.maxAgeSeconds) else { return false }
    try publish()
    return true
  }

  /// When the open segment must be published at the latest, or `nil` when none is open.
  public var publicationDeadline: ContinuousClock.Instant? {
    open.map { $0.openedAt + .seconds(limits.maxAgeSeconds) }
  }

  /// Makes the open segment durable and moves it into `new/`.
  public func publish() throws(SpoolError) {
    guard let segment = open else { return }
    let from = layout.tmp + "/" + segment.name
    if let code = faultInjector?.publishFault(path: from) {
      throw POSIXFile.failure("cannot fsync", from, errno: code)
    }
    try POSIXFile.fsync(segment.fd, path: from)
    // The segment stays open until the rename succeeds, so a failed rename (a full directory
    // block, EIO) is retried by the next publish instead of stranding the records in tmp/.
    try POSIXFile.rename(from, layout.new + "/" + segment.name)
    close(segment.fd)
    open = nil
    statistics.segmentsPublished += 1
    lastPublishedRange = segment.firstSeq...segment.lastSeq
    try POSIXFile.fsyncDirectory(layout.new)
    try POSIXFile.fsyncDirectory(layout.tmp)
  }

  private func openSegment(firstSeq: UInt64, now: ContinuousClock.Instant) throws(SpoolError)
    -> OpenSegment
  {
    let name = SpoolLayout.segmentName(firstSeq: firstSeq)
    let fd = try POSIXFile.open(layout.tmp + "/" + name, O_WRONLY | O_CREAT | O_EXCL | O_APPEND)
    return OpenSegment(
      fd: fd, name: name, firstSeq: firstSeq, lastSeq: firstSeq, records: 0, bytes: 0, openedAt: now
    )
  }
}
