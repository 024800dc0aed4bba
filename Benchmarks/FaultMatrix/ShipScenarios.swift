import Foundation
import TestSupport
import WhitlockCore

/// Sequence-number reuse against the shipper: the real `whitlockd` spools, `whitlockctl ship`
/// ships into a real PostgreSQL, and the spool is then restored from an older copy without its
/// `.seq`, as a backup restore would leave it.
///
/// Row 1 ("floor"): the shipper ships the restored copy first, records the database's last seq
/// in `.seq-floor`, and the daemon continues above it: every record is stored, none reuses a
/// seq, none is quarantined. Row 2 ("detect"): the floor is gone too (a rebuilt spool that kept
/// only its identity), so the daemon reuses numbers; each record that does is found and
/// quarantined with its reason, and the others ship. Both rows account for every record the
/// daemon spooled: stored as written, or quarantined; `lost` counts records in neither, `dropped`
/// records whose seq the database holds for another record and that were not quarantined.
extension Scenarios {
  func seqReuse() async throws -> [MatrixRow] {
    let postgres: PostgresServer
    do { postgres = try await PostgresServer() } catch {
      return [
        MatrixRow(
          scenario: "seq reuse (restored spool)", cycles: 0, completed: "-", spooled: "-",
          lost: "-", duplicated: "-", verdict: "SKIP", notes: "no PostgreSQL: \(error)")
      ]
    }
    do {
      let rows = try await seqReuse(postgres)
      await postgres.stop()
      return rows
    } catch {
      await postgres.stop()
      throw error
    }
  }

  private func seqReuse(_ postgres: PostgresServer) async throws -> [MatrixRow] {
    let scratch = try Scratch("seq-reuse")
    defer { scratch.remove() }
    let configuration = try Harness.loadConfiguration(scratch, ramanExposure: 0.05, pacing: 1)
    let spool = scratch.spool
    var kept: [String] = []  // every spool directory the scenario set aside, for the account
    func keep(_ name: String) throws {
      let aside = scratch.path + "/" + name
      try FileManager.default.moveItem(atPath: spool, toPath: aside)
      kept.append(aside)
    }

    // Two daemon runs; the older copy is taken between them. Everything is shipped.
    try await Self.spoolFor(seconds: 2, configuration)
    try FileManager.default.copyItem(atPath: spool, toPath: scratch.path + "/backup")
    try await Self.spoolFor(seconds: 2, configuration)
    try await Self.ship(spool, postgres)
    let before = try await Self.databaseLastSeq(postgres)

    // Row 1: the older copy comes back without .seq; shipped first, then the daemon runs.
    try keep("original")
    try FileManager.default.moveItem(atPath: scratch.path + "/backup", toPath: spool)
    try FileManager.default.removeItem(atPath: spool + "/.seq")
    let restored = Set(Self.spooledRecords([spool]))
    try await Self.ship(spool, postgres)
    try await Self.spoolFor(seconds: 2, configuration)
    try await Self.ship(spool, postgres)
    let written = Set(Self.spooledRecords([spool])).subtracting(restored)
    let firstNew = written.map(\.seq).min() ?? 0
    let reusedBelow = written.filter { $0.seq <= before }.count
    let floorRow = try await Self.account(
      "seq reuse: restored, no .seq (floor)", directories: kept + [spool], postgres: postgres,
      expectQuarantined: false,
      extra: "db last seq \(before) → first new seq \(firstNew), reused \(reusedBelow)",
      ok: !written.isEmpty && firstNew > before && reusedBelow == 0)

    // Row 2: a spool rebuilt with only its identity: no .seq, no .seq-floor, no segments.
    let last = try await Self.databaseLastSeq(postgres)
    try keep("restored")
    try SpoolDirectories.create(spool)
    try FileManager.default.copyItem(
      atPath: kept.last! + "/.spool-id", toPath: spool + "/.spool-id")
    try await Self.spoolFor(seconds: 2, configuration)
    let reusing = Self.spooledRecords([spool]).filter { $0.seq <= last }.count
    try await Self.ship(spool, postgres)
    let detectRow = try await Self.account(
      "seq reuse: identity only (detect)", directories: kept + [spool], postgres: postgres,
      expectQuarantined: true, extra: "\(reusing) records reused a seq ≤ \(last)",
      ok: reusing > 0)
    return [floorRow, detectRow]
  }

  /// One spooled record: its key and content, where it was found.
  private struct Spooled: Hashable {
    var seq: Int
    var run: String
    var time: String
    var type: String
  }

  /// Runs the daemon for about `seconds` and stops it with SIGTERM.
  private static func spoolFor(seconds: Double, _ configuration: String) async throws {
    let (daemon, _) = try await Harness.daemon(configuration)
    try await Task.sleep(for: .seconds(seconds))
    let (status, _) = await Harness.terminate(daemon)
    guard status == 0 else {
      throw ScenarioFailure(description: "whitlockd exited \(status.map(String.init) ?? "late")")
    }
  }

  /// `whitlockctl ship --once`.
  private static func ship(_ spool: String, _ postgres: PostgresServer) async throws {
    let result = try await Subprocess.run(
      URL(fileURLWithPath: try Harness.executable("whitlockctl")),
      [
        "ship", "--postgres", postgres.url, "--password-file", postgres.passwordFile, "--spool",
        spool, "--once",
      ], deadline: 600)
    guard result.status == 0 else {
      throw ScenarioFailure(description: "whitlockctl ship failed: \(result.standardError)")
    }
  }

  private static func databaseLastSeq(_ postgres: PostgresServer) async throws -> Int {
    Int(try await postgres.psql("SELECT coalesce(max(seq), 0) FROM whitlock.records")) ?? -1
  }

  /// The records of the `cur/` and `new/` segments of `directories`.
  private static func spooledRecords(_ directories: [String]) -> [Spooled] {
    var result: [Spooled] = []
    for directory in directories {
      for record in Harness.records(directory) {
        guard let seq = record["seq"]?.doubleValue else { continue }
        result.append(
          Spooled(
            seq: Int(seq), run: record["run_id"]?.stringValue ?? "",
            time: record["time"]?.stringValue ?? "", type: record["type"]?.stringValue ?? ""))
      }
    }
    return result
  }

  /// The lines of every `quarantine/*.rejected*` file (not the reasons) of `directories`.
  private static func quarantinedRecords(_ directories: [String]) -> Set<String> {
    var result: Set<String> = []
    for directory in directories {
      let path = directory + "/quarantine"
      for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
      where name.contains(".rejected") && !name.hasSuffix(".reason") {
        let text = (try? String(contentsOfFile: path + "/" + name, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
          guard let value = try? JSONParser.parse(String(line)) else { continue }
          result.insert(
            "\(Int(value["seq"]?.doubleValue ?? -1)) \(value["run_id"]?.stringValue ?? "") "
              + (value["time"]?.stringValue ?? ""))
        }
      }
    }
    return result
  }

  /// One row: every distinct record spooled in `directories` is in the database as written or
  /// quarantined.
  private static func account(
    _ scenario: String, directories: [String], postgres: PostgresServer,
    expectQuarantined: Bool, extra: String, ok: Bool
  ) async throws -> MatrixRow {
    let spooled = Set(spooledRecords(directories))
    let rows = try await postgres.psql(
      """
      SELECT seq || ' ' || run_id || ' ' ||
        to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
      FROM whitlock.records
      """
    ).split(separator: "\n").map(String.init)
    let stored = Set(rows)
    let storedSeqs = Set(rows.compactMap { Int($0.prefix { $0 != " " }) })
    let quarantined = quarantinedRecords(directories)
    var lost = 0
    var dropped = 0
    for record in spooled {
      let key = "\(record.seq) \(record.run) \(record.time)"
      if stored.contains(key) || quarantined.contains(key) { continue }
      if storedSeqs.contains(record.seq) { dropped += 1 } else { lost += 1 }
    }
    let duplicated =
      rows.count
      - (Int(
        try await postgres.psql(
          "SELECT count(DISTINCT (run_id, instrument_id, recorded_at, type)) FROM whitlock.records"
        )) ?? 0)
    let acquisitions = spooled.filter { $0.type == "acquisition" }.count
    let quarantineOK = expectQuarantined ? !quarantined.isEmpty : quarantined.isEmpty
    let pass = ok && lost == 0 && dropped == 0 && duplicated == 0 && quarantineOK
    return MatrixRow(
      scenario: scenario, cycles: 1, completed: "n/a", spooled: "\(acquisitions)",
      lost: "\(lost)", duplicated: "\(duplicated)", verdict: pass ? "PASS" : "FAIL",
      notes:
        "\(extra); silently dropped \(dropped), quarantined \(quarantined.count), "
        + "stored \(rows.count) of \(spooled.count) records")
  }
}

/// The spool's directories, made as whitlockd makes them.
enum SpoolDirectories {
  static func create(_ root: String) throws {
    for name in ["tmp", "new", "cur", "quarantine"] {
      try FileManager.default.createDirectory(
        atPath: root + "/" + name, withIntermediateDirectories: true)
    }
  }
}
