import Foundation
import Spool
import TestSupport
import Testing
import WhitlockCore

/// Records that cannot be shipped are quarantined one by one, never with their neighbours: a
/// line that fails the schema, and a record that reuses a (spool id, seq) the database holds for
/// a different record. A spool restored from an older copy, or without `.seq`, continues above
/// the database's last seq once the shipper has told it (`.seq-floor`).
@Suite("Shipping to PostgreSQL: record quarantine and sequence reuse", .serialized, .processHeavy)
struct ShippingRecordQuarantineTests {
  /// The `run_id` and `time` of every record of a segment, in order.
  private static func keys(_ path: String) throws -> [(seq: Int64, run: String, time: String)] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
      let value = try JSONParser.parse(String(line))
      return (
        Int64(value["seq"]?.doubleValue ?? -1), value["run_id"]?.stringValue ?? "",
        value["time"]?.stringValue ?? ""
      )
    }
  }

  /// A spool of `count` acquisitions of one new run, in one segment, written by the real writer.
  private static func write(_ spool: String, count: Int) throws {
    try ShippingFixture.writeSpool(
      spool, counts: (0..<count).map { [7, 8, UInt32($0)] }, recordsPerSegment: count,
      detection: .object([("method", .string("test"))]))
  }

  @Test("a record that reuses a stored (spool id, seq) is quarantined by name; the rest ships")
  func conflictingRecordsAreQuarantined() async throws {
    let postgres = try await PostgresServer()
    let directory = try ShippingFixture.scratchDirectory("ship-conflict")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let first = directory + "/first"
    let second = directory + "/second"
    #expect(try ShippingFixture.makeSpool(first, segments: 2) == 10)
    #expect(try await ShippingFixture.drain(spool: first, postgres: postgres).status == 0)
    // The same spool id with other records under seqs 1…10 (the spool restored elsewhere and
    // written again), and two new ones, 11 and 12, all in one segment.
    try SpoolLayout(root: second).create()
    try FileManager.default.copyItem(atPath: first + "/.spool-id", toPath: second + "/.spool-id")
    try Self.write(second, count: 12)
    let segment = ShippingFixture.segments(second, "new")[0]
    let ours = try Self.keys(second + "/new/" + segment)
    let theirs = try Self.keys(first + "/cur/" + ShippingFixture.segments(first, "cur")[0])
    let spoolID = try String(contentsOfFile: second + "/.spool-id", encoding: .utf8)
      .trimmingCharacters(in: .whitespacesAndNewlines)

    let result = try await ShippingFixture.drain(spool: second, postgres: postgres)
    #expect(result.status == 0, "\(result.standardError)")
    #expect(
      result.standardError.contains(
        "10 record(s) of the segment cannot be shipped and were quarantined"))
    #expect(ShippingFixture.segments(second, "new").isEmpty)
    #expect(ShippingFixture.segments(second, "cur") == [segment])
    // 11 and 12 shipped; 1…10 are still the first spool's records.
    #expect(try await ShippingFixture.databaseTally(postgres) == [12, 12, 78])
    let stored = try await postgres.psql(
      "SELECT seq || ' ' || run_id FROM whitlock.records ORDER BY seq")
    let expected =
      (0..<10).map { "\($0 + 1) \(theirs[0].run)" } + ["11 \(ours[0].run)", "12 \(ours[0].run)"]
    #expect(stored.split(separator: "\n").map(String.init) == expected)
    // The ten conflicting lines, verbatim, with a reason each naming both records.
    let quarantine = second + "/quarantine/" + segment + ".rejected"
    let lines = try String(contentsOfFile: second + "/cur/" + segment, encoding: .utf8)
      .split(separator: "\n")
    #expect(
      try String(contentsOfFile: quarantine, encoding: .utf8)
        == lines.prefix(10).map { $0 + "\n" }.joined())
    let reasons = try String(contentsOfFile: quarantine + ".reason", encoding: .utf8)
      .split(separator: "\n")
    #expect(reasons.count == 10)
    #expect(
      reasons.first?.hasPrefix(
        "\(segment) line 1 (seq 1): spool \(spoolID) seq 1 is already in the database as a "
          + "different record (database: acquisition run_id \(theirs[0].run) time "
          + "\(theirs[0].time) instrument raman-sim; this record: acquisition run_id "
          + "\(ours[0].run) time \(ours[0].time) instrument raman-sim)") == true,
      "\(reasons.first ?? "")")

    // Sent again as it is (a replay after a crash): the copies are already present, the
    // conflicts are found again and the quarantine file is not written twice.
    try ShippingFixture.replay(segment, spool: second)
    let again = try await ShippingFixture.drain(spool: second, postgres: postgres)
    #expect(again.status == 0, "\(again.standardError)")
    #expect(try await ShippingFixture.databaseTally(postgres) == [12, 12, 78])
    #expect(
      Set(try FileManager.default.contentsOfDirectory(atPath: second + "/quarantine"))
        == [segment + ".rejected", segment + ".rejected.reason"])
    await postgres.stop()
  }

  @Test("a record that fails the schema is quarantined alone; the records around it ship")
  func badRecordIsQuarantinedAlone() async throws {
    let postgres = try await PostgresServer()
    let directory = try ShippingFixture.scratchDirectory("ship-bad-record")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let spool = directory + "/spool"
    #expect(try ShippingFixture.makeSpool(spool, segments: 2) == 10)
    let segment = ShippingFixture.segments(spool, "new")[1]
    var lines = try String(contentsOfFile: spool + "/new/" + segment, encoding: .utf8)
      .split(separator: "\n").map(String.init)
    // seq 8's counts become negative: valid JSON, not a record of the schema.
    lines[2] = lines[2].replacingOccurrences(of: "\"counts\":[1,2,3,", with: "\"counts\":[1,-2,3,")
    let bad = lines[2]
    try (lines.joined(separator: "\n") + "\n").write(
      toFile: spool + "/new/" + segment, atomically: true, encoding: .utf8)

    let result = try await ShippingFixture.drain(spool: spool, postgres: postgres)
    #expect(result.status == 0, "\(result.standardError)")
    #expect(ShippingFixture.segments(spool, "new").isEmpty)
    #expect(try await ShippingFixture.databaseTally(postgres) == [9, 9, 55 - 8])
    let quarantine = spool + "/quarantine/" + segment + ".rejected"
    #expect(try String(contentsOfFile: quarantine, encoding: .utf8) == bad + "\n")
    #expect(
      try String(contentsOfFile: quarantine + ".reason", encoding: .utf8)
        == "\(segment) line 3 (seq 8): counts[1] is not an integer in 0…2147483647\n")
    #expect(result.standardError.contains("1 record(s) of the segment cannot be shipped"))
    await postgres.stop()
  }

  @Test(
    "a spool restored from an older copy, with or without .seq, continues above the database",
    arguments: [false, true])
  func restoredSpoolContinuesAboveDatabase(deleteSequenceFile: Bool) async throws {
    let postgres = try await PostgresServer()
    let directory = try ShippingFixture.scratchDirectory("ship-restored")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let spool = directory + "/spool"
    let backup = directory + "/backup"
    try Self.write(spool, count: 5)  // seqs 1…5
    // The identity whitlockd gives its spool at start, so the copy is of the same spool.
    _ = try SpoolIdentity.loadOrCreate(SpoolLayout(root: spool))
    try FileManager.default.copyItem(atPath: spool, toPath: backup)
    try Self.write(spool, count: 5)  // a restart: seqs 10001…10005
    #expect(try await ShippingFixture.drain(spool: spool, postgres: postgres).status == 0)
    let highest = Int(try await postgres.psql("SELECT max(seq) FROM whitlock.records")) ?? -1
    #expect(highest == 10005)

    // The older copy comes back, its segments not yet shipped.
    try FileManager.default.removeItem(atPath: spool)
    try FileManager.default.moveItem(atPath: backup, toPath: spool)
    if deleteSequenceFile { try FileManager.default.removeItem(atPath: spool + "/.seq") }
    // A writer that runs while the shipper learns the floor, and one started afterwards.
    let layout = SpoolLayout(root: spool)
    let running = try SpoolWriter(
      layout: layout, limits: SegmentLimits(), recovery: SpoolRecovery.run(layout))
    let replay = try await ShippingFixture.drain(spool: spool, postgres: postgres)
    #expect(replay.status == 0, "\(replay.standardError)")
    #expect(try SequenceAllocator.readFloor(layout) == UInt64(highest))
    let seq = try running.append(Self.record())
    #expect(seq > UInt64(highest), "the running writer reused \(seq)")
    try running.publish()
    try Self.write(spool, count: 5)
    let result = try await ShippingFixture.drain(spool: spool, postgres: postgres)
    #expect(result.status == 0, "\(result.standardError)")
    let tally = try await ShippingFixture.databaseTally(postgres)
    #expect(tally.prefix(2) == [16, 16], "every record stored once, none set aside")
    let above = try await postgres.psql(
      "SELECT count(*) FROM whitlock.records WHERE seq > \(highest)")
    #expect(above == "6", "the six records written after the restore are above \(highest)")
    let quarantined = (try? FileManager.default.contentsOfDirectory(atPath: spool + "/quarantine"))
    #expect(quarantined?.isEmpty ?? true, "\(quarantined ?? [])")
    await postgres.stop()
  }

  /// One acquisition of a run of its own.
  private static func record() -> SpoolRecord {
    let run = RunContext(
      runID: UUID().uuidString.lowercased(), sampleID: "B-18", startedAt: Date())
    let instrument = InstrumentIdentity(
      id: "raman-sim", kind: .raman, model: "sim", serial: "S1", family: "simulated")
    let acquisition = Acquisition(
      instrument: instrument, deviceSequence: 1, startedAt: Date(), endedAt: Date(),
      counts: [4, 5, 6],
      axis: .wavelengthPolynomial(coefficients: [780, 0.1], excitationNanometres: 785),
      exposureSeconds: 0.1, fullScale: 65535, parameters: [])
    return .acquisition(
      run: run, acquisition: acquisition, detection: .object([("method", .string("test"))]))
  }
}
