import Foundation
import Synchronization

/// What the shipper is doing and how far behind it is, shared with status, `/readyz` and
/// metrics while it runs.
public final class ShipperStatus: Sendable {
  /// The shipper's state.
  public enum State: String, Sendable {
    /// Not yet connected for the first time.
    case starting
    /// Shipping segments.
    case shipping
    /// Connected, nothing waiting in `new/`.
    case idle
    /// The database is unreachable or refuses us; segments wait in `new/` and are retried.
    case failing
    /// Stopped.
    case stopped
  }

  /// One reading of the status.
  public struct Snapshot: Sendable, Equatable {
    public var state: State = .starting
    /// The database, without password.
    public var database: String
    /// The spool's identity, once read.
    public var spoolID: String?
    /// The last failure, kept until the next success.
    public var lastError: String?
    /// Since when the current failure lasts.
    public var failingSince: Date?
    /// Segments waiting in `new/`, and their size.
    public var backlogSegments = 0
    public var backlogBytes = 0
    /// Records the database did not have before (new rows).
    public var recordsShipped: UInt64 = 0
    /// Records the database already had (replayed segments), skipped.
    public var recordsAlreadyPresent: UInt64 = 0
    public var segmentsShipped: UInt64 = 0
    public var segmentsQuarantined: UInt64 = 0
    /// Records quarantined alone (their segment's other records shipped): lines that fail the
    /// schema, and records whose (spool id, seq) the database holds with different content.
    public var recordsQuarantined: UInt64 = 0
    /// Of those, the records that reuse a sequence number the database holds for another record.
    public var recordsConflicting: UInt64 = 0
    /// The highest sequence number the database held for this spool when last asked: the floor
    /// the spool's allocator continues above (`.seq-floor`).
    public var databaseLastSeq: Int64 = 0
    /// Why the connection's TLS does not protect it (a weak `sslmode` off loopback), or `nil`.
    public var tlsWarning: String?
    /// Connection attempts that failed.
    public var connectFailures: UInt64 = 0
    /// The highest sequence number committed.
    public var lastShippedSeq: Int64 = 0
    public var lastShippedAt: Date?
  }

  private let storage: Mutex<Snapshot>

  public init(database: String, tlsWarning: String? = nil) {
    var snapshot = Snapshot(database: database)
    snapshot.tlsWarning = tlsWarning
    storage = Mutex(snapshot)
  }

  /// The current reading.
  public var snapshot: Snapshot { storage.withLock { $0 } }

  func update(_ change: (inout Snapshot) -> Void) { storage.withLock { change(&$0) } }

  /// Why the shipper is not keeping up, for `/readyz`, or `nil` when it is.
  public var problem: String? {
    let current = snapshot
    guard current.state == .failing else { return nil }
    return "shipping to \(current.database) is failing (\(current.lastError ?? "unknown error")); "
      + "\(current.backlogSegments) segments (\(current.backlogBytes) bytes) wait in new/"
  }
}
