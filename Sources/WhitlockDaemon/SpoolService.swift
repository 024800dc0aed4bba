import Foundation
import Logging
import ServiceLifecycle
import Spool
import Synchronization
import WhitlockCore

/// Owns the spool for the daemon's lifetime: lock, start-up recovery, and the writer thread.
///
/// It is the first service to start and the last to stop, so every record submitted by an
/// instrument session, including the `run-end` records written during shutdown, reaches disk.
public final class SpoolService: Service {
  /// The pump that instrument sessions submit records to.
  public let pump: SpoolPump
  /// The spool directory.
  public let layout: SpoolLayout
  /// The spool's durable identity, which keys its records wherever they are shipped.
  public let identity: SpoolIdentity
  private let lock: SpoolLock
  private let logger: Logger
  private let health = SpoolHealth()

  /// The writer's health: `.failing` while writes fail (records are kept and retried).
  public var state: SpoolPump.State { health.state.withLock { $0 } }

  /// Locks and recovers the spool at `layout`, then starts its writer thread.
  ///
  /// - Parameter onWritten: called on the writer thread after each record is on disk.
  /// - Parameter onPublished: called on the writer thread with the sequence numbers of each
  ///   segment once it is published durably in `new/`.
  public init(
    layout: SpoolLayout, limits: SegmentLimits, backlog: Int, logger: Logger,
    onWritten: @escaping @Sendable (SpoolRecord, UInt64) -> Void = { _, _ in },
    onPublished: @escaping @Sendable (ClosedRange<UInt64>) -> Void = { _ in }
  ) throws {
    self.layout = layout
    try layout.create()
    lock = try SpoolLock(layout: layout)
    identity = try SpoolIdentity.loadOrCreate(layout)
    let report = try SpoolRecovery.run(layout)
    if report.isEmpty {
      logger.info(
        "spool ready", metadata: ["path": "\(layout.root)", "spool_id": "\(identity)"])
    } else {
      logger.warning(
        "recovered spool after an unclean stop",
        metadata: [
          "path": "\(layout.root)", "published": "\(report.publishedSegments.count)",
          "records": "\(report.recoveredRecords)",
          "quarantined": "\(report.quarantinedFiles.joined(separator: ","))",
          "quarantined_bytes": "\(report.quarantinedBytes)",
          "removed_empty": "\(report.removedEmptyFiles.count)",
          "skipped_not_regular": "\(report.skippedEntries.joined(separator: ","))",
        ])
    }
    let writer = try SpoolWriter(layout: layout, limits: limits, recovery: report)
    if let fault = try SpoolInjectedFault.fromEnvironment(ProcessInfo.processInfo.environment) {
      // The fault matrix's failing device; never set outside tests.
      logger.warning(
        "spool fault injection requested",
        metadata: ["fault": "\(fault)", "variable": "\(SpoolInjectedFault.environmentVariable)"])
      writer.inject(fault)
    }
    self.logger = logger
    pump = SpoolPump(
      writer: writer, capacity: backlog,
      onStateChange: { [logger, health] state in
        health.state.withLock { $0 = state }
        switch state {
        case .writing: logger.notice("spool writable again")
        case .failing(let reason):
          logger.error(
            "spool write failed; records are kept and retried", metadata: ["reason": "\(reason)"])
        }
      },
      onWritten: { [logger] record, seq in
        // Logged once the record is in its segment, so a logged acquisition survives a crash.
        if case .acquisition(_, let acquisition, let detection) = record {
          logger.info(
            "\(AcquisitionLogLine.describe(acquisition, detection: detection)) seq \(seq)",
            metadata: ["instrument": "\(acquisition.instrument.id)"])
        }
        onWritten(record, seq)
      },
      onPublished: onPublished,
      onSegmentAbandoned: { [logger] segment in
        logger.error(
          """
          spool segment file abandoned after a failed \(segment.operation); its records were \
          rewritten from memory into a new file
          """,
          metadata: [
            "file": "\(segment.file)", "errno": "\(segment.errno)", "reason": "\(segment.reason)",
            "records": "\(segment.records)",
          ])
      })
  }

  public func run() async throws {
    try? await gracefulShutdown()
    await pump.finish()
    let counters = pump.counters
    if counters.backlog > 0 {
      logger.critical(
        "spool could not write every record before exit",
        metadata: ["unwritten": "\(counters.backlog)"])
    }
    logger.info(
      "spool closed",
      metadata: [
        "records": "\(counters.written)", "segments": "\(counters.segmentsPublished)",
        "refused": "\(counters.refused)", "abandoned": "\(counters.segmentsAbandoned)",
      ])
    withExtendedLifetime(lock) {}
  }
}

/// The spool writer's last reported state, shared with the writer thread's callback.
private final class SpoolHealth: Sendable {
  let state = Mutex(SpoolPump.State.writing)
}
