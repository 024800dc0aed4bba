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
/// segment in `new/`. A write refused for lack of space is rolled back to the last complete record,
/// so a full disk never leaves a torn line behind.
///
/// The writer also keeps the bytes of the open segment in memory until the segment is published.
/// When a `write`, `fsync` or roll-back `ftruncate` of the segment fails otherwise, the file's
/// content can no longer be trusted: Linux reports a writeback error once per descriptor, so a
/// second `fsync` "succeeds" on pages that were lost. The writer then abandons that descriptor and
/// that file and rewrites the segment from memory into a fresh copy, fsyncs it and renames it over
/// the abandoned file, which is how the abandoned file goes: the spool never holds two files with
/// the same records, and until the copy is durable the abandoned file stays for recovery, the only
/// copy on disk should the process die. Abandoned segments are reported
/// (`takeAbandonedSegments`). One writer per spool, owned by one task.
public final class SpoolWriter {
  /// Counters for metrics and logs.
  public struct Statistics: Sendable, Equatable {
    public var recordsWritten: UInt64 = 0
    public var bytesWritten: UInt64 = 0
    public var segmentsPublished: UInt64 = 0
    /// Segment files abandoned after a failed `write`, `fsync` or `ftruncate` (their records were
    /// or will be rewritten into a new file).
    public var segmentsAbandoned: UInt64 = 0
  }

  /// A segment file given up after a failed `write`, `fsync` or `ftruncate`, for the log.
  public struct AbandonedSegment: Sendable, Equatable, CustomStringConvertible {
    /// The file, relative to the spool root (`tmp/seg-….ndjson`).
    public var file: String
    /// The operation that failed: `write`, `fsync` or `ftruncate`.
    public var operation: String
    /// The error number the operation failed with.
    public var errno: Int32
    /// The failure as the system reported it.
    public var reason: String
    /// Complete records the file held, kept in memory and rewritten into its replacement.
    public var records: Int

    public var description: String {
      "\(file): \(operation) failed with errno \(errno) (\(reason)); "
        + "\(records) records rewritten into a new file"
    }
  }

  public let layout: SpoolLayout
  public let limits: SegmentLimits
  public private(set) var statistics = Statistics()

  private var sequence: SequenceAllocator
  private var encoded = JSONWriter(reservingCapacity: 256 * 1024)
  private var open: OpenSegment?
  /// The open segment's complete records, exactly as they should be on disk; its storage is kept
  /// from segment to segment, so appending to it allocates nothing once it has grown.
  private var held: [UInt8] = []
  private var abandoned: [AbandonedSegment] = []

  /// Sequence numbers of the segment published last.
  public private(set) var lastPublishedRange: ClosedRange<UInt64>?

  /// Faults injected by tests; `nil` in production.
  var faultInjector: (any SpoolFaultInjector)?

  /// Makes this writer fail one operation as `fault` says: only for tests and the fault matrix,
  /// which run the real daemon against a failing device (`SpoolInjectedFault.environmentVariable`).
  public func inject(_ fault: SpoolInjectedFault) { faultInjector = fault }

  private struct OpenSegment {
    /// The descriptor, or -1 once abandoned and until a rewritten copy replaces the file.
    var fd: Int32
    var name: String
    var firstSeq: UInt64
    var lastSeq: UInt64
    var records: Int
    var bytes: Int
    var openedAt: ContinuousClock.Instant
  }

  /// The suffix of a segment's rewritten copy while it is written; recovery removes such a copy,
  /// whose original is still in `tmp/`.
  static let rewriteSuffix = ".rewriting"

  /// Starts writing after `recovery` has brought the spool into a clean state.
  public init(layout: SpoolLayout, limits: SegmentLimits, recovery: SpoolRecoveryReport)
    throws(SpoolError)
  {
    self.layout = layout
    self.limits = limits
    sequence = try SequenceAllocator(layout: layout, atLeast: recovery.highestSequence + 1)
  }

  deinit {
    if let open, open.fd >= 0 { close(open.fd) }
  }

  /// The sequence number the next record will receive.
  public var nextSequence: UInt64 { sequence.peek }

  /// Whether a segment is open (records written but not yet published).
  public var hasOpenSegment: Bool { open != nil }

  /// The segment files abandoned since the last call, each reported once.
  public func takeAbandonedSegments() -> [AbandonedSegment] {
    guard !abandoned.isEmpty else { return [] }
    defer { abandoned.removeAll() }
    return abandoned
  }

  /// Writes one record and returns its sequence number. Publishes the segment if a size limit is
  /// reached. On failure nothing of the record remains on disk and the error says why; records
  /// appended before are kept (on disk, and in memory until published).
  @discardableResult
  public func append(_ record: SpoolRecord, now: ContinuousClock.Instant = .now) throws(SpoolError)
    -> UInt64
  {
    let seq = try sequence.take()
    encoded.reset()
    RecordEncoder.encode(record, seq: seq, into: &encoded)
    if open == nil {
      do throws(SpoolError) {
        open = try openSegment(firstSeq: seq, now: now)
      } catch {
        sequence.giveBack(seq)
        throw error
      }
    }
    // A failure that abandons the file is followed by one more attempt into its rewritten copy,
    // so a single failing operation costs no retry interval and no change of the pump's state.
    var attempt = 0
    while true {
      attempt += 1
      let abandonedBefore = statistics.segmentsAbandoned
      do throws(SpoolError) {
        try writeRecord()
        break
      } catch {
        if attempt == 1 && statistics.segmentsAbandoned > abandonedBefore && open != nil {
          continue
        }
        // Nothing on disk carries the sequence number: the next attempt reuses it.
        sequence.giveBack(seq)
        throw error
      }
    }
    guard var segment = open else { preconditionFailure("a record was written without a segment") }
    segment.records += 1
    segment.lastSeq = seq
    segment.bytes += encoded.bytes.count
    held.append(contentsOf: encoded.bytes)
    statistics.recordsWritten += 1
    statistics.bytesWritten += UInt64(encoded.bytes.count)
    open = segment
    if segment.records >= limits.maxRecords || segment.bytes >= limits.maxBytes {
      try publish()
    }
    return seq
  }

  /// Writes `encoded` at the end of the open segment, first replacing an abandoned file by its
  /// rewritten copy. On failure the segment still holds exactly its complete records, or has been
  /// abandoned (`fd == -1`), or, when it held none, is closed and removed.
  private func writeRecord() throws(SpoolError) {
    guard var segment = open else { return }
    if segment.fd < 0 {
      try rewriteAbandoned()
      guard let replaced = open else { return }
      segment = replaced
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
      guard error.kind == .noSpace else {
        // EIO and the like: what the file holds is unknown.
        abandon(operation: "write", error)
        throw error
      }
      if segment.records == 0 {
        // Nothing else in the file: it goes, with whatever part of the record reached it.
        close(segment.fd)
        unlink(path)
        open = nil
        throw error
      }
      // No space: the kernel refused the bytes and left the earlier ones alone. Roll back the
      // partial record so the segment ends on a complete one; if that fails, the file's end is
      // unknown and it is abandoned.
      var code: Int32 = 0
      if let injected = faultInjector?.truncateFault(path: path) {
        code = injected
      } else if ftruncate(segment.fd, off_t(segment.bytes)) != 0 {
        code = errno
      }
      if code != 0 {
        abandon(operation: "ftruncate", POSIXFile.failure("cannot truncate", path, errno: code))
      } else {
        _ = lseek(segment.fd, off_t(segment.bytes), SEEK_SET)
      }
      throw error
    }
  }

  /// Gives up the open segment's descriptor after a failed `operation`; the file stays until a
  /// rewritten copy replaces it (`rewriteAbandoned`).
  private func abandon(operation: String, _ error: SpoolError) {
    guard var segment = open, segment.fd >= 0 else { return }
    close(segment.fd)
    segment.fd = -1
    open = segment
    statistics.segmentsAbandoned += 1
    abandoned.append(
      AbandonedSegment(
        file: "tmp/" + segment.name, operation: operation, errno: error.errno ?? EIO,
        reason: error.message, records: segment.records))
  }

  /// Writes the open segment's records from memory into a new file, makes it durable and renames
  /// it over the abandoned one, then continues the segment in it. On failure the copy is removed
  /// and the segment stays abandoned, to be rewritten at the next attempt.
  private func rewriteAbandoned() throws(SpoolError) {
    guard var segment = open, segment.fd < 0 else { return }
    let path = layout.tmp + "/" + segment.name
    let copy = path + Self.rewriteSuffix
    unlink(copy)  // a copy left by an earlier failed attempt
    let fd = try POSIXFile.open(copy, O_WRONLY | O_CREAT | O_EXCL | O_APPEND)
    do throws(SpoolError) {
      if let fault = faultInjector?.writeFault(path: copy, count: held.count) {
        throw POSIXFile.failure("cannot write", copy, errno: fault.errno)
      }
      try POSIXFile.writeAll(fd, held, path: copy)
      if let code = faultInjector?.publishFault(path: copy) {
        throw POSIXFile.failure("cannot fsync", copy, errno: code)
      }
      try POSIXFile.fsync(fd, path: copy)
      try POSIXFile.rename(copy, path)
    } catch {
      close(fd)
      unlink(copy)
      throw error
    }
    segment.fd = fd
    open = segment
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
  ///
  /// A failed `fsync` is never retried on the same descriptor (Linux reports a writeback error
  /// once, so a retry would "succeed" on lost pages): the file is abandoned and its records are
  /// rewritten from memory into a copy that is fsync'd instead.
  public func publish() throws(SpoolError) {
    guard let current = open else { return }
    let from = layout.tmp + "/" + current.name
    if current.fd >= 0 {
      do throws(SpoolError) {
        if let code = faultInjector?.publishFault(path: from) {
          throw POSIXFile.failure("cannot fsync", from, errno: code)
        }
        try POSIXFile.fsync(current.fd, path: from)
      } catch {
        abandon(operation: "fsync", error)
      }
    }
    // After a failed fsync, or still abandoned after an earlier failure: the rewritten copy is
    // fsync'd before it replaces the abandoned file.
    try rewriteAbandoned()
    guard let segment = open else { return }
    // The segment stays open until the rename succeeds, so a failed rename (a full directory
    // block, EIO) is retried by the next publish instead of stranding the records in tmp/.
    try POSIXFile.rename(from, layout.new + "/" + segment.name)
    close(segment.fd)
    open = nil
    held.removeAll(keepingCapacity: true)
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
    held.removeAll(keepingCapacity: true)
    return OpenSegment(
      fd: fd, name: name, firstSeq: firstSeq, lastSeq: firstSeq, records: 0, bytes: 0, openedAt: now
    )
  }
}
