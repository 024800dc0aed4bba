import Logging
import NIOCore
import NetworkSettings
import PostgresNIO

/// One connection to the database, with the operations the shipper needs: apply migrations and
/// store a segment in one transaction, each within a deadline (`OperationDeadline`).
final class ShipperDatabase: Sendable {
  private let connection: PostgresConnection
  private let target: PostgresURL
  private let deadline: Duration
  private let logger: Logger

  private init(
    connection: PostgresConnection, target: PostgresURL, deadline: Duration, logger: Logger
  ) {
    self.connection = connection
    self.target = target
    self.deadline = deadline
    self.logger = logger
  }

  /// Connects and brings the schema up to `SchemaMigrations.latestVersion`, within `deadline`.
  static func open(
    _ target: PostgresTarget, id: Int, deadline: Duration, logger: Logger
  ) async throws(DatabaseFailure) -> ShipperDatabase {
    try await OperationDeadline.run(
      deadline, expired: { expired(target.url, deadline, doing: "connecting") },
      discardLate: { late in await late.close() }
    ) { () async throws(DatabaseFailure) -> ShipperDatabase in
      try await connect(target, id: id, deadline: deadline, logger: logger)
    }
  }

  private static func connect(
    _ target: PostgresTarget, id: Int, deadline: Duration, logger: Logger
  ) async throws(DatabaseFailure) -> ShipperDatabase {
    let configuration = try target.configuration()
    let connection: PostgresConnection
    do {
      connection = try await PostgresConnection.connect(
        configuration: configuration, id: id, logger: logger)
    } catch {
      throw DatabaseFailure(error, target: target.url)
    }
    let database = ShipperDatabase(
      connection: connection, target: target.url, deadline: deadline, logger: logger)
    do {
      try await database.configureSession()
      try await database.migrate()
    } catch {
      await database.close()
      throw error
    }
    return database
  }

  /// Closes the connection; one that does not answer is left to close on its own.
  func close() async {
    _ = try? await OperationDeadline.run(
      .seconds(5), expired: { Self.expired(self.target, .seconds(5), doing: "closing") }
    ) { () async throws(DatabaseFailure) in
      try? await self.connection.close()
    }
  }

  private static func expired(_ target: PostgresURL, _ deadline: Duration, doing: String)
    -> DatabaseFailure
  {
    DatabaseFailure(
      kind: .unreachable,
      message: "\(target): no answer within \(deadline) while \(doing); reconnecting")
  }

  /// Makes the server give up on this session, too, within about the deadline when the client
  /// goes silent: a session left waiting inside a transaction would hold its rows' locks, and
  /// the reconnected shipper's transaction storing the same segment would wait on them. The
  /// server ends a session idle in a transaction after the deadline, and its TCP stack one
  /// whose packets go unacknowledged (`tcp_user_timeout`) or whose keepalives go unanswered.
  /// The session is also named `whitlock-ship` (`application_name`), so an administrator finds
  /// the shipper's sessions in `pg_stat_activity` and `pg_stat_ssl`.
  private func configureSession() async throws(DatabaseFailure) {
    let milliseconds = max(1000, Int(deadline.components.seconds) * 1000)
    let seconds = milliseconds / 1000
    var binds = PostgresBindings()
    binds.append("\(milliseconds)")
    binds.append("\(max(1, seconds / 2))")
    binds.append("\(max(1, seconds / 6))")
    do {
      try await connection.query(
        PostgresQuery(
          unsafeSQL: """
            SELECT set_config('idle_in_transaction_session_timeout', $1, false),
              set_config('tcp_user_timeout', $1, false),
              set_config('tcp_keepalives_idle', $2, false),
              set_config('tcp_keepalives_interval', $3, false),
              set_config('tcp_keepalives_count', '3', false),
              set_config('application_name', 'whitlock-ship', false)
            """, binds: binds), logger: logger)
    } catch {
      throw DatabaseFailure(error, target: target)
    }
  }

  /// Applies missing migrations in one transaction, serialised between shippers by an advisory
  /// lock, and refuses a database whose schema is newer than this build.
  private func migrate() async throws(DatabaseFailure) {
    try await transaction { connection, logger in
      // Any constant works as long as every shipper uses the same one.
      try await connection.query("SELECT pg_advisory_xact_lock(7166221473410880)", logger: logger)
      for statement in SchemaMigrations.bootstrap {
        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
      }
      var applied: Set<Int32> = []
      for try await version in try await connection.query(
        "SELECT version FROM whitlock.schema_migrations", logger: logger
      ).decode(Int32.self) {
        applied.insert(version)
      }
      if let newest = applied.max(), newest > SchemaMigrations.latestVersion {
        throw DatabaseFailure(
          kind: .refused,
          message: "\(target): schema version \(newest) is newer than this build's "
            + "\(SchemaMigrations.latestVersion); upgrade whitlockd")
      }
      for migration in SchemaMigrations.all where !applied.contains(migration.version) {
        for statement in migration.statements {
          try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
        try await connection.query(
          "INSERT INTO whitlock.schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
          logger: logger)
        logger.notice(
          "applied database migration",
          metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
      }
    }
  }

  /// Stores a segment's statements in one transaction, within the deadline: either all its
  /// records that are new (and none that conflict) are committed (`.stored`), or, when some
  /// record's key holds a different record, nothing is and the conflicts are returned, for the
  /// caller to store the others without them.
  func store(_ statements: SegmentStatements) async throws(DatabaseFailure) -> StoreOutcome {
    try await OperationDeadline.run(
      deadline, expired: { Self.expired(self.target, self.deadline, doing: "storing a segment") }
    ) { () async throws(DatabaseFailure) -> StoreOutcome in
      try await self.storeNow(statements)
    }
  }

  /// The highest sequence number the database holds for the spool `spoolID` (0 for none): its
  /// records' and the spool's `last_seq`, whichever is higher.
  func highestSequence(spoolID: String) async throws(DatabaseFailure) -> Int64 {
    try await OperationDeadline.run(
      deadline,
      expired: { Self.expired(self.target, self.deadline, doing: "reading the last seq") }
    ) { () async throws(DatabaseFailure) -> Int64 in
      var binds = PostgresBindings()
      binds.append(spoolID)
      var highest: Int64 = 0
      do {
        try self.checkOpen()
        let rows = try await self.connection.query(
          PostgresQuery(
            unsafeSQL: """
              SELECT COALESCE(GREATEST(
                (SELECT last_seq FROM whitlock.spools WHERE spool_id = $1::uuid),
                (SELECT max(seq) FROM whitlock.records WHERE spool_id = $1::uuid)), 0)
              """, binds: binds), logger: self.logger)
        for try await value in rows.decode(Int64.self) { highest = value }
      } catch let failure as DatabaseFailure {
        throw failure
      } catch {
        throw DatabaseFailure(error, target: self.target)
      }
      return highest
    }
  }

  private func storeNow(_ statements: SegmentStatements) async throws(DatabaseFailure)
    -> StoreOutcome
  {
    var found: [RecordConflict] = []
    do {
      return .stored(
        added: try await transaction { connection, logger in
          for query in statements.prelude { try await run(query) }
          var added: Set<Int64> = []
          for query in statements.records {
            try checkOpen()
            for try await seq in try await connection.query(query, logger: logger).decode(
              Int64.self)
            {
              added.insert(seq)
            }
          }
          // A record not added has a row under its key already: a copy (this segment shipped
          // before) or a different record reusing the number, which must not pass as a copy.
          if added.count < statements.segment.count {
            let skipped = statements.segment.filter { !added.contains($0.seq) }
            try checkOpen()
            let rows = try await connection.query(
              SegmentStatements.conflicts(skipped, spoolID: statements.spoolID), logger: logger)
            for try await (seq, runID, time, type, instrument) in rows.decode(
              (Int64, String, String, String, String).self)
            {
              found.append(
                RecordConflict(
                  seq: seq, storedRunID: runID, storedTime: time, storedType: type,
                  storedInstrument: instrument))
            }
            if !found.isEmpty { throw ConflictsFound() }
          }
          // Nothing new means an earlier transaction stored this segment whole: its details are in.
          guard !added.isEmpty else { return 0 }
          for query in statements.details { try await run(query) }
          try checkOpen()
          try await storeAcquisitions(statements, added: added, connection: connection)
          for query in statements.dependents { try await run(query) }
          for query in statements.closing { try await run(query) }
          return added.count
        })
    } catch {
      // Rolled back on purpose: nothing of the segment was stored.
      if !found.isEmpty { return .conflicts(found) }
      throw error
    }
  }

  /// Runs one statement of a transaction on a connection that is still open.
  private func run(_ query: PostgresQuery) async throws {
    try checkOpen()
    try await connection.query(query, logger: logger)
  }

  /// A query written to a connection that has just closed may never be answered, so each
  /// statement first checks that it is open.
  private func checkOpen() throws {
    guard connection.isClosed else { return }
    throw DatabaseFailure(kind: .unreachable, message: "\(target): the connection was closed")
  }

  /// Stores the acquisitions whose records this transaction added, after their detector
  /// parameters. A record this transaction did not add was stored, with its acquisition, by an
  /// earlier one (or another shipper's, which the records' keys made this one wait for), so no
  /// inserted row can conflict.
  private func storeAcquisitions(
    _ statements: SegmentStatements, added: Set<Int64>, connection: PostgresConnection
  ) async throws {
    let spoolID = statements.spoolID
    let statements =
      added.count == statements.acquisitionRecords.count
      ? statements.acquisitions
      : AcquisitionColumns.statements(
        statements.acquisitionRecords.filter { added.contains($0.record.seq) })
    // A custom plan would copy every bound array into the plan as a constant (15 MB a segment);
    // the generic plan of `INSERT … SELECT … FROM unnest($n)` reads the parameters in place.
    try checkOpen()
    try await connection.query("SET LOCAL plan_cache_mode = force_generic_plan", logger: logger)
    var parameterIDs: [String: ByteBuffer] = [:]
    for columns in statements {
      for parameters in columns.parameters where parameterIDs[parameters] == nil {
        try checkOpen()
        let rows = try await connection.query(Self.storeParameters(parameters), logger: logger)
        for try await id in rows.decode(ByteBuffer.self) { parameterIDs[parameters] = id }
      }
      try checkOpen()
      try await connection.query(
        columns.query(spoolID: spoolID, parameterIDs: parameterIDs), logger: logger)
    }
  }

  /// Stores a detector-parameters object unless it is there already, and returns its id: the
  /// SHA-256 of its `jsonb` text, so equal parameters share one row however they were spelled.
  private static func storeParameters(_ parameters: String) -> PostgresQuery {
    var binds = PostgresBindings()
    binds.append(parameters)
    return PostgresQuery(
      unsafeSQL: """
        WITH given AS (SELECT $1::jsonb AS parameters),
          keyed AS (SELECT sha256(convert_to(parameters::text, 'UTF8')) AS id, parameters FROM given),
          added AS (
            INSERT INTO whitlock.detection_parameters (parameters_id, parameters)
            SELECT id, parameters FROM keyed ON CONFLICT (parameters_id) DO NOTHING)
        SELECT id FROM keyed
        """, binds: binds)
  }

  private func transaction<Result: Sendable>(
    _ body: (PostgresConnection, Logger) async throws -> Result
  ) async throws(DatabaseFailure) -> Result {
    do {
      try checkOpen()
      try await connection.query("BEGIN", logger: logger)
      let result: Result
      do {
        result = try await body(connection, logger)
      } catch {
        _ = try? await connection.query("ROLLBACK", logger: logger)
        throw error
      }
      try await connection.query("COMMIT", logger: logger)
      return result
    } catch let failure as DatabaseFailure {
      throw failure
    } catch {
      throw DatabaseFailure(error, target: target)
    }
  }
}

/// What storing a segment came to.
enum StoreOutcome: Sendable, Equatable {
  /// Committed; `added` records were new, the others were copies of stored records.
  case stored(added: Int)
  /// Rolled back: these records reuse a key that holds a different record.
  case conflicts([RecordConflict])
}

/// A record whose (spool_id, seq) the database holds for a different record, and what it holds.
struct RecordConflict: Sendable, Equatable {
  var seq: Int64
  var storedRunID: String
  var storedTime: String
  var storedType: String
  var storedInstrument: String
}

/// Rolls back a transaction that found conflicting records.
private struct ConflictsFound: Error {}
