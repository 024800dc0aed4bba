import Foundation
import Logging
import Spool
import Synchronization
import WhitlockCore

/// Ships every complete segment of a spool into PostgreSQL, exactly once, and only then moves it
/// out of `new/`.
///
/// For each segment, oldest first: read and decode it, store its records in one transaction
/// keyed by (spool id, seq) with `ON CONFLICT DO NOTHING`, commit, then move the segment to
/// `cur/` (or delete it). A crash anywhere in between leaves the segment in `new/`, and shipping
/// it again adds nothing, so records are neither lost nor duplicated.
///
/// A line that is not a shippable record, and a record whose (spool id, seq) the database holds
/// for a different record (a reused sequence number), is quarantined alone with the reason
/// (`RecordQuarantine`), before the segment leaves `new/`; the segment's other records ship. A
/// skipped record identical to the stored one is a copy and counts as already present. The
/// database's highest seq for the spool is written to the spool's `.seq-floor` at every
/// connection and after a conflict, so its `SequenceAllocator` never reuses those numbers. While the database is unreachable the segments wait in
/// `new/` (the backlog in `status`), the writer is never slowed, and the shipper reconnects with
/// back-off.
public final class SpoolShipper: Sendable {
  public let settings: ShipperSettings
  /// Live status, for the monitor and `whitlockctl status`.
  public let status: ShipperStatus
  private let logger: Logger

  public init(settings: ShipperSettings, logger: Logger) {
    self.settings = settings
    self.logger = logger
    status = ShipperStatus(
      database: settings.target.url.description, tlsWarning: settings.target.url.tlsWarning)
  }

  /// Ships until the task is cancelled or, with `untilDrained`, until `new/` is empty.
  public func run(untilDrained: Bool = false) async {
    let consumer = SpoolConsumer(layout: settings.spool)
    var backoff = settings.backoff
    var reporter = FailureReporter(logger: logger)
    var pool: [ShipperDatabase] = []
    var connections = 0
    var spoolID: SpoolIdentity?
    if let warning = settings.target.url.tlsWarning {
      logger.warning("INSECURE DATABASE CONNECTION: \(warning)")
    }
    while !Task.isCancelled {
      let pending: [SpoolConsumer.Segment]
      do {
        if spoolID == nil {
          let identity = try SpoolIdentity.loadOrCreate(settings.spool)
          spoolID = identity
          status.update { $0.spoolID = identity.uuid }
        }
        pending = try consumer.pending()
      } catch {
        await pause(&backoff, &reporter, "spool \(settings.spool.root): \(error)", backlog: 0)
        continue
      }
      guard let spoolID else { continue }
      status.update {
        $0.backlogSegments = pending.count
        $0.backlogBytes = pending.reduce(0) { $0 + $1.bytes }
      }
      if pool.isEmpty {
        do {
          pool = try await connect(count: settings.connections, made: &connections)
          backoff.reset()
          reporter.recovered(
            "connected to \(settings.target.url)", backlogSegments: pending.count)
          logger.info(
            "shipping spool to PostgreSQL",
            metadata: [
              "database": "\(settings.target.url)", "spool_id": "\(spoolID)",
              "backlog_segments": "\(pending.count)", "connections": "\(pool.count)",
            ])
          await recordFloor(spoolID: spoolID, database: pool[0])
        } catch {
          status.update { $0.connectFailures += 1 }
          await pause(&backoff, &reporter, error.message, backlog: pending.count)
          continue
        }
      }
      guard !pending.isEmpty else {
        if untilDrained { break }
        status.update { $0.state = .idle }
        try? await Task.sleep(for: settings.pollInterval)
        continue
      }
      status.update { $0.state = .shipping }
      guard let failure = await ship(pending, spoolID: spoolID, over: pool, consumer: consumer)
      else { continue }
      let left = status.snapshot.backlogSegments
      // Reported before the connections are closed: closing one that does not answer takes
      // its own deadline, and status should say "failing" as soon as it is known.
      markFailing(failure.description)
      if case .database = failure {
        await Self.closeAll(pool)
        pool = []
      }
      await pause(&backoff, &reporter, failure.description, backlog: left)
    }
    await Self.closeAll(pool)
    status.update { $0.state = .stopped }
  }

  /// Opens up to `count` connections: the first must succeed; the others are best effort (a
  /// server near `max_connections` still gets shipped to, over fewer).
  private func connect(count: Int, made: inout Int) async throws(DatabaseFailure)
    -> [ShipperDatabase]
  {
    made += 1
    var pool = [
      try await ShipperDatabase.open(
        settings.target, id: made, deadline: settings.operationDeadline, logger: logger)
    ]
    while pool.count < count {
      made += 1
      do {
        pool.append(
          try await ShipperDatabase.open(
            settings.target, id: made, deadline: settings.operationDeadline, logger: logger))
      } catch {
        logger.warning(
          "shipping over fewer connections than configured: \(error.message)",
          metadata: ["connections": "\(pool.count)"])
        break
      }
    }
    return pool
  }

  /// Ships `pending`, oldest first, over every connection of `pool` at once: each connection
  /// takes the next segment, decodes it and stores it in its own transaction, so one segment is
  /// decoded while another is stored and the server works on two. Segments may leave `new/` out
  /// of order; each leaves only after its own commit. Returns the first failure, after which no
  /// connection starts another segment.
  private func ship(
    _ pending: [SpoolConsumer.Segment], spoolID: SpoolIdentity, over pool: [ShipperDatabase],
    consumer: SpoolConsumer
  ) async -> ShipStepError? {
    let queue = SegmentQueue(pending)
    return await withTaskGroup(of: ShipStepError?.self) { group in
      for database in pool {
        group.addTask {
          let buffer = SegmentBuffer()
          while !Task.isCancelled, let segment = queue.next() {
            // Reading a segment file blocks: it runs on a thread of its own (`offPool`).
            let prepared = await offPool {
              self.prepare(segment.name, spoolID: spoolID, buffer: &buffer.bytes)
            }
            do throws(ShipStepError) {
              try await self.commit(
                prepared, spoolID: spoolID, consumer: consumer, database: database)
            } catch {
              queue.stop()
              return error
            }
            self.status.update {
              $0.backlogSegments = max(0, $0.backlogSegments - 1)
              $0.backlogBytes = max(0, $0.backlogBytes - segment.bytes)
              $0.lastError = nil
              $0.failingSince = nil
            }
          }
          return nil
        }
      }
      var first: ShipStepError?
      for await failure in group where first == nil { first = failure }
      return first
    }
  }

  /// A segment read and decoded, ready to store, or what stopped that.
  private enum PreparedSegment: Sendable {
    /// `lines[i]` is where `records[i]` is in the segment; `rejected` are its lines that are not
    /// shippable records, to quarantine alone.
    case ready(
      name: String, records: [ShipRecord], lines: [(line: Int, bytes: Range<Int>)],
      rejected: [RecordQuarantine.Entry], statements: SegmentStatements)
    /// Another shipper took it, or it was quarantined.
    case settled
    case failed(SpoolError)
  }

  /// Reads a segment into `bytes` (kept from one segment to the next) and decodes it; a
  /// malformed one is quarantined here.
  private func prepare(_ name: String, spoolID: SpoolIdentity, buffer bytes: inout [UInt8])
    -> PreparedSegment
  {
    let consumer = SpoolConsumer(layout: settings.spool)
    do {
      guard try consumer.read(name, into: &bytes) else { return .settled }
    } catch let error where error.kind == .notRegularFile || error.kind == .corrupt {
      // Not a segment whitlockd wrote (a link, a FIFO, a device, a huge file): moved aside
      // with the reason, so the segments after it still ship.
      do { try quarantine(name, consumer: consumer, reason: error.message) } catch {
        if case .spool(let spoolError) = error { return .failed(spoolError) }
      }
      return .settled
    } catch {
      return .failed(error)
    }
    let decoded = SegmentDecoder.decodeLines(bytes)
    guard !decoded.records.isEmpty else {
      // Nothing in it ships: the segment is quarantined whole, as it was written.
      // The first few lines' reasons; a segment of garbage would otherwise make a line of
      // the log per line of the segment.
      var reason =
        decoded.rejected.isEmpty
        ? "the segment holds no records"
        : decoded.rejected.prefix(5).map(\.description).joined(separator: "; ")
      if decoded.rejected.count > 5 {
        reason += "; and \(decoded.rejected.count - 5) more lines that are not records"
      }
      do { try quarantine(name, consumer: consumer, reason: reason) } catch {
        if case .spool(let spoolError) = error { return .failed(spoolError) }
      }
      return .settled
    }
    let rejected = decoded.rejected.map { line in
      RecordQuarantine.Entry(
        line: line.line, bytes: Array(bytes[line.bytes]),
        reason: "\(name) line \(line.line)\(line.seq.map { " (seq \($0))" } ?? ""): "
          + line.message)
    }
    let statements = SegmentStatements(
      decoded.records, name: name, spoolID: spoolID.uuid, host: settings.host,
      root: settings.spool.root)
    return .ready(
      name: name, records: decoded.records, lines: decoded.lines, rejected: rejected,
      statements: statements)
  }

  /// Stores a prepared segment in one transaction and, once committed, moves it out of `new/`.
  /// Records that conflict with stored ones are left out of the transaction and, like the
  /// segment's undecodable lines, quarantined alone before the segment moves. Errors mean "try
  /// again later", never "the segment is bad".
  private func commit(
    _ prepared: PreparedSegment, spoolID: SpoolIdentity, consumer: SpoolConsumer,
    database: ShipperDatabase
  ) async throws(ShipStepError) {
    guard case .ready(let name, var records, let lines, let rejected, var statements) = prepared
    else {
      if case .failed(let error) = prepared { throw .spool(error) }
      return
    }
    let lineOf = Dictionary(
      zip(records.map(\.seq), lines), uniquingKeysWith: { first, _ in first })
    var conflicts: [(RecordConflict, ShipRecord)] = []
    var added = 0
    while true {
      let outcome: StoreOutcome
      do {
        outcome = try await database.store(statements)
      } catch {
        guard error.kind == .rejectedData else { throw .database(error) }
        try quarantine(name, consumer: consumer, reason: "the database rejected it: \(error)")
        return
      }
      guard case .conflicts(let found) = outcome else {
        if case .stored(let count) = outcome { added = count }
        break
      }
      // Leave the conflicting records out and store the others; each round removes at least
      // one record, so this ends.
      let bySeq = Dictionary(found.map { ($0.seq, $0) }, uniquingKeysWith: { first, _ in first })
      let before = records.count
      conflicts += records.compactMap { record in bySeq[record.seq].map { ($0, record) } }
      records.removeAll { bySeq[$0.seq] != nil }
      guard records.count < before else {
        throw .spool(SpoolError(.io, "\(name): conflicting records could not be set apart"))
      }
      guard !records.isEmpty else { break }
      statements = SegmentStatements(
        records, name: name, spoolID: spoolID.uuid, host: settings.host,
        root: settings.spool.root)
    }
    var entries = rejected
    if !conflicts.isEmpty {
      entries += try await conflictEntries(conflicts, in: name, lines: lineOf, spoolID: spoolID)
    }
    if !entries.isEmpty {
      // Durable before the segment leaves new/: for the rejected lines it is the only copy.
      let layout = settings.spool
      let quarantined = entries
      let written = await offPool { () -> Result<String, SpoolError> in
        do throws(SpoolError) {
          return .success(try RecordQuarantine(layout: layout).write(quarantined, of: name))
        } catch {
          return .failure(error)
        }
      }
      let file: String
      switch written {
      case .success(let name): file = name
      case .failure(let error): throw .spool(error)
      }
      status.update {
        $0.recordsQuarantined += UInt64(entries.count)
        $0.recordsConflicting += UInt64(conflicts.count)
      }
      let message =
        "\(entries.count) record(s) of the segment cannot be shipped and were quarantined; "
        + "the others shipped: \(entries[0].reason)"
      logger.error(
        "\(message)",
        metadata: [
          "segment": "\(name)", "quarantined_records": "\(entries.count)",
          "conflicting_records": "\(conflicts.count)",
          "moved_to": "\(settings.spool.quarantine)/\(file)",
          "reasons": "\(settings.spool.quarantine)/\(file).reason",
        ])
      if !conflicts.isEmpty { await recordFloor(spoolID: spoolID, database: database) }
    }
    // Committed: only now may the segment leave new/.
    do { _ = try consumer.finish(name, disposal: settings.disposal) } catch {
      throw .spool(error)
    }
    let lastSeq = records.last?.seq ?? 0
    let copies = records.count - added
    status.update {
      $0.recordsShipped += UInt64(added)
      $0.recordsAlreadyPresent += UInt64(copies)
      $0.segmentsShipped += 1
      $0.lastShippedSeq = max($0.lastShippedSeq, lastSeq)
      $0.lastShippedAt = Date()
    }
    if copies > 0 {
      logger.notice(
        "segment was already in the database; skipped its copies",
        metadata: [
          "segment": "\(name)", "records": "\(records.count)",
          "already_present": "\(copies)",
        ])
    } else {
      logger.debug("shipped segment", metadata: ["segment": "\(name)", "records": "\(added)"])
    }
  }

  /// The quarantine entries of records that reuse a stored record's (spool id, seq): their
  /// lines, read again from the segment (still in `new/`), and a reason naming both records.
  private func conflictEntries(
    _ conflicts: [(RecordConflict, ShipRecord)], in name: String,
    lines: [Int64: (line: Int, bytes: Range<Int>)], spoolID: SpoolIdentity
  ) async throws(ShipStepError) -> [RecordQuarantine.Entry] {
    let consumer = SpoolConsumer(layout: settings.spool)
    let read = await offPool { () -> Result<[UInt8]?, SpoolError> in
      do throws(SpoolError) { return .success(try consumer.read(name)) } catch {
        return .failure(error)
      }
    }
    let bytes: [UInt8]
    switch read {
    case .success(let found?): bytes = found
    case .success(nil):
      throw .spool(SpoolError(.io, "\(name) left new/ while its conflicting records were kept"))
    case .failure(let error): throw .spool(error)
    }
    return conflicts.map { conflict, record in
      let place = lines[record.seq]
      let line = place?.line ?? 0
      let range = place.map { $0.bytes.clamped(to: 0..<bytes.count) } ?? 0..<0
      let stored =
        "\(conflict.storedType) run_id \(conflict.storedRunID) time \(conflict.storedTime) "
        + "instrument \(conflict.storedInstrument)"
      let given =
        "\(record.typeName) run_id \(record.runID) time \(record.time) "
        + "instrument \(record.instrument.id)"
      var reason = "\(name) line \(line) (seq \(record.seq)): spool \(spoolID) seq \(record.seq) "
      reason += "is already in the database as a different record (database: \(stored); "
      reason += "this record: \(given)); the spool reused the number (restored from an older "
      reason += "copy, or its .seq deleted?), so the record was not shipped"
      return RecordQuarantine.Entry(line: line, bytes: Array(bytes[range]), reason: reason)
    }
  }

  /// Asks the database for the highest seq it holds for this spool and records it in the
  /// spool's `.seq-floor`, so the spool's writer continues above it. A failure is logged and
  /// shipping goes on: conflicting records are still caught, one by one.
  private func recordFloor(spoolID: SpoolIdentity, database: ShipperDatabase) async {
    let highest: Int64
    do { highest = try await database.highestSequence(spoolID: spoolID.uuid) } catch {
      logger.warning("cannot read the database's last seq for the spool: \(error.message)")
      return
    }
    status.update { $0.databaseLastSeq = max($0.databaseLastSeq, highest) }
    guard highest > 0 else { return }
    let layout = settings.spool
    let raised = await offPool { () -> Result<Bool, SpoolError> in
      do throws(SpoolError) {
        return .success(try SequenceAllocator.raiseFloor(layout, to: UInt64(highest)))
      } catch {
        return .failure(error)
      }
    }
    switch raised {
    case .success(true):
      logger.notice(
        "recorded the database's last seq as the spool's sequence floor",
        metadata: [
          "spool_id": "\(spoolID)", "last_seq": "\(highest)",
          "file": "\(SequenceAllocator.floorFile(layout))",
        ])
    case .success(false): break
    case .failure(let error):
      let message =
        "cannot record the database's last seq in the spool; a spool restored from an older "
        + "copy may reuse sequence numbers (they are then quarantined, not shipped): \(error)"
      logger.error(
        "\(message)",
        metadata: ["last_seq": "\(highest)"])
    }
  }

  private func quarantine(_ name: String, consumer: SpoolConsumer, reason: String)
    throws(ShipStepError)
  {
    let quarantined: String?
    do { quarantined = try consumer.quarantine(name, reason: reason) } catch {
      throw .spool(error)
    }
    guard let quarantined else { return }
    status.update { $0.segmentsQuarantined += 1 }
    logger.error(
      "segment cannot be shipped and was quarantined: \(reason)",
      metadata: [
        "segment": "\(name)",
        "moved_to": "\(settings.spool.quarantine)/\(quarantined)",
        "hint": "fix it and move it back into new/ to ship it",
      ])
  }

  private func pause(
    _ backoff: inout Backoff, _ reporter: inout FailureReporter, _ message: String, backlog: Int
  ) async {
    let delay = backoff.next()
    markFailing(message)
    reporter.failed(message, backlogSegments: backlog, retryIn: delay)
    try? await Task.sleep(for: delay)
  }

  private func markFailing(_ message: String) {
    status.update {
      $0.state = .failing
      $0.lastError = message
      if $0.failingSince == nil { $0.failingSince = Date() }
    }
  }

  /// Closes every connection at once, so silent ones cost one close deadline, not one each.
  private static func closeAll(_ pool: [ShipperDatabase]) async {
    await withTaskGroup(of: Void.self) { group in
      for database in pool { group.addTask { await database.close() } }
    }
  }
}

/// Why shipping stopped for now.
enum ShipStepError: Error, CustomStringConvertible {
  case database(DatabaseFailure)
  case spool(SpoolError)

  var description: String {
    switch self {
    case .database(let failure): failure.message
    case .spool(let error): "spool: \(error)"
    }
  }
}

/// The segments of one round, handed out oldest first to the connections that ship them.
private final class SegmentQueue: Sendable {
  private let state: Mutex<(segments: [SpoolConsumer.Segment], next: Int)>

  init(_ segments: [SpoolConsumer.Segment]) { state = Mutex((segments, 0)) }

  /// The next segment, or `nil` when all were taken or the round was stopped.
  func next() -> SpoolConsumer.Segment? {
    state.withLock { state in
      guard state.next < state.segments.count else { return nil }
      defer { state.next += 1 }
      return state.segments[state.next]
    }
  }

  /// Hands out no more segments.
  func stop() { state.withLock { $0.next = $0.segments.count } }
}

/// The bytes of the segment a connection works on, kept from one segment to the next so a
/// reader of many megabyte segments does not fault in fresh memory for each. Only one thread
/// uses it at a time: the connection's task waits while `offPool`'s thread fills it.
private final class SegmentBuffer: @unchecked Sendable {
  var bytes: [UInt8] = []
}
