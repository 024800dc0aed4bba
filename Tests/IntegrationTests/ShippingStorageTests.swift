import Foundation
import Spool
import SpoolShipper
import TestSupport
import Testing
import WhitlockCore

/// What the database holds after shipping: raw counts as little-endian bytea that
/// `whitlock.counts` turns back into the spooled integers, the detector's parameters stored once,
/// the band table and fit reports in `detection_detail`, all put back by `whitlock.detections`,
/// and a database of schema version 2 migrated with its rows converted.
@Suite("Shipping to PostgreSQL: stored rows", .serialized, .processHeavy)
struct ShippingStorageTests {
  static let parameters: JSONValue = .object([("window", .int(5)), ("lambda", .double(1e5))])

  /// A spool of `counts.count` acquisitions of one run, one segment.
  private static func makeSpool(_ root: String, counts: [[UInt32]]) throws {
    try ShippingFixture.writeSpool(
      root, counts: counts,
      detection: .object([
        ("method", .string("test")), ("parameters", parameters),
        ("whitlockite_fraction", .double(0.25)), ("whitlockite_fraction_sigma", .double(0.05)),
        (
          "bands",
          .array([.object([("name", .string("hap_961")), ("area", .double(1.5e4))])])
        ),
        ("fits", .object([("phosphate", .object([("converged", .bool(true))]))])),
      ]))
  }

  @Test("counts read back; parameters stored once, bands and fits apart; the view restores all")
  func countsAndParameters() async throws {
    let postgres = try await PostgresServer()
    let directory = try ShippingFixture.scratchDirectory("ship-stored")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let spool = directory + "/spool"
    try Self.makeSpool(
      spool, counts: [[1, 2, 3, 65535], [0, 70000, 7, 2_147_483_647], [4, 5, 6, 7]])
    let result = try await ShippingFixture.drain(spool: spool, postgres: postgres)
    #expect(result.status == 0, "\(result.standardError)")

    let counts = try await postgres.psql(
      "SELECT string_agg(whitlock.counts(counts, channels)::text || ':' || octet_length(counts), ' ' ORDER BY seq) FROM whitlock.acquisitions"
    )
    // 16-bit counts take 2 bytes each, the spectrum with larger ones 4.
    #expect(counts == "{1,2,3,65535}:8 {0,70000,7,2147483647}:16 {4,5,6,7}:8")
    #expect(try await postgres.psql("SELECT count(*) FROM whitlock.detection_parameters") == "1")
    #expect(
      try await postgres.psql(
        "SELECT count(*) FROM whitlock.acquisitions WHERE detection ? 'parameters'")
        == "0")
    #expect(
      try await postgres.psql(
        "SELECT count(*) FROM whitlock.detections WHERE detection -> 'parameters' = '{\"window\": 5, \"lambda\": 100000}'::jsonb AND detection ->> 'method' = 'test'"
      ) == "3")
    // The results stay in detection (jsonb); the band table and fit reports are detail (json).
    #expect(
      try await postgres.psql("SELECT DISTINCT detection::text FROM whitlock.acquisitions")
        == #"{"method": "test", "whitlockite_fraction": 0.25, "whitlockite_fraction_sigma": 0.05}"#)
    #expect(
      try await postgres.psql(
        "SELECT DISTINCT (detection_detail -> 'bands' -> 0 ->> 'area')::float8 || ' ' || (detection_detail #>> '{fits,phosphate,converged}') FROM whitlock.acquisitions"
      ) == "15000 true")
    #expect(
      try await postgres.psql(
        "SELECT count(*) FROM whitlock.detections WHERE detection -> 'bands' = '[{\"name\": \"hap_961\", \"area\": 15000.0}]'::jsonb AND detection #>> '{fits,phosphate,converged}' = 'true' AND detection ? 'whitlockite_fraction'"
      ) == "3")
    await postgres.stop()
  }

  @Test("a dark record is kept whole in record_documents, beside the run's acquisitions")
  func darkRecordsAreStoredWhole() async throws {
    let postgres = try await PostgresServer()
    let directory = try ShippingFixture.scratchDirectory("ship-dark")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let spool = directory + "/spool"
    try ShippingFixture.writeSpool(
      spool, counts: [[1, 2, 3, 4], [5, 6, 7, 8]],
      detection: .object([("method", .string("test"))]), darkFirst: true)
    let result = try await ShippingFixture.drain(spool: spool, postgres: postgres)
    #expect(result.status == 0, "\(result.standardError)")
    #expect(
      try await postgres.psql(
        "SELECT string_agg(type || ':' || seq, ' ' ORDER BY seq) FROM whitlock.records")
        == "dark:1 acquisition:2 acquisition:3")
    #expect(
      try await postgres.psql(
        "SELECT type || ' ' || (document #>> '{dark,id}') || ' ' || (document #>> '{dark,method}') || ' ' || (document -> 'counts')::text FROM whitlock.record_documents"
      ) == "dark 0c5e8a1e-61f0-4d8c-9e4a-2b7f3c1d9a55 laser-off [100, 101, 99.5, 100]")
    #expect(
      try await postgres.psql("SELECT count(*) FROM whitlock.acquisitions WHERE map IS NULL")
        == "2")
    #expect(
      try await postgres.psql("SELECT count(*) FROM whitlock.records WHERE seq > 0") == "3")
    #expect(
      (try? FileManager.default.contentsOfDirectory(atPath: spool + "/quarantine")) ?? [] == [])
    await postgres.stop()
  }

  @Test("a database of schema version 2 is migrated with counts, parameters and detail converted")
  func migrationFromVersion2() async throws {
    let postgres = try await PostgresServer()
    let directory = try ShippingFixture.scratchDirectory("ship-migrate")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try SpoolLayout(root: directory + "/spool").create()
    var statements = SchemaMigrations.bootstrap
    for migration in SchemaMigrations.all where migration.version <= 2 {
      statements += migration.statements
      statements.append(
        "INSERT INTO whitlock.schema_migrations (version, name) VALUES (\(migration.version), '\(migration.name)')"
      )
    }
    let spoolID = UUID().uuidString.lowercased()
    let runID = UUID().uuidString.lowercased()
    statements += [
      "INSERT INTO whitlock.spools (spool_id, host, root) VALUES ('\(spoolID)', 'h', '/s')",
      "INSERT INTO whitlock.runs (run_id) VALUES ('\(runID)')",
      """
      INSERT INTO whitlock.instruments VALUES ('\(spoolID)', 'r1', 'raman', 'm', 's', 'f', NULL,
        now(), now())
      """,
      """
      INSERT INTO whitlock.records (spool_id, seq, type, run_id, instrument_id, recorded_at, segment)
      VALUES ('\(spoolID)', 1, 'acquisition', '\(runID)', 'r1', now(), 'seg')
      """,
      """
      INSERT INTO whitlock.acquisitions (spool_id, seq, run_id, instrument_id, kind, device_seq,
        started, ended, exposure_s, full_scale, saturated_channels, parameters, axis_type, channels,
        counts, method, detection)
      VALUES ('\(spoolID)', 1, '\(runID)', 'r1', 'raman', 1, now(), now(), 1, 65535, 0, '{}',
        'wavelength-polynomial', 3, '{1,256,70000}', 'm',
        '{"method": "m", "parameters": {"window": 5}, "bands": [], "phase": "apatite"}')
      """,
    ]
    try await postgres.psql(statements.joined(separator: ";\n"))

    // The shipper migrates when it connects, before it looks at the (empty) spool.
    let result = try await ShippingFixture.drain(spool: directory + "/spool", postgres: postgres)
    #expect(result.status == 0, "\(result.standardError)")
    #expect(
      try await postgres.psql("SELECT max(version) FROM whitlock.schema_migrations")
        == "\(SchemaMigrations.latestVersion)")
    #expect(
      try await postgres.psql(
        "SELECT whitlock.counts(counts, channels)::text, octet_length(counts), encode(counts, 'hex') FROM whitlock.acquisitions"
      ) == "{1,256,70000}|12|010000000001000070110100")
    #expect(
      try await postgres.psql("SELECT detection::text FROM whitlock.acquisitions")
        == #"{"phase": "apatite", "method": "m"}"#)
    #expect(
      try await postgres.psql("SELECT detection_detail::text FROM whitlock.acquisitions")
        == #"{"bands": []}"#)
    #expect(
      try await postgres.psql("SELECT detection::text FROM whitlock.detections")
        == #"{"bands": [], "phase": "apatite", "method": "m", "parameters": {"window": 5}}"#)
    await postgres.stop()
  }
}
