import Foundation
import Spool

/// How a `SpoolShipper` runs: which spool, which database, and what happens after a commit.
public struct ShipperSettings: Sendable {
  /// The spool whose `new/` segments are shipped.
  public var spool: SpoolLayout
  /// The database.
  public var target: PostgresTarget
  /// What happens to a segment once its records are committed.
  public var disposal: SpoolConsumer.Disposal = .move
  /// How often `new/` is looked at when it is empty.
  public var pollInterval: Duration = .milliseconds(250)
  /// Delays between reconnection attempts.
  public var backoff = Backoff()
  /// The longest a connection attempt (with migrations) or one segment's transaction may take
  /// before the connection is given up and made again: a network cut without a reset would
  /// otherwise stall shipping until TCP gives up, many minutes later.
  public var operationDeadline: Duration = .seconds(60)
  /// How many connections store segments at once: two let one segment be decoded while
  /// another is stored, and the server work on both, on separate cores.
  public var connections = 2
  /// The host name stored with the spool in `whitlock.spools`.
  public var host: String = ProcessInfo.processInfo.hostName

  public init(spool: SpoolLayout, target: PostgresTarget) {
    self.spool = spool
    self.target = target
  }
}
