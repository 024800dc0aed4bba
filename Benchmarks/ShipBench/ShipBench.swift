import ArgumentParser
import Foundation
import Logging
import NetworkSettings
import Spool
import SpoolShipper
import TestSupport
import WhitlockCore

/// PostgreSQL shipping throughput (issue 18): 2048-px Raman records written into a spool, then
/// shipped into a real local PostgreSQL server, both timed in this one run.
@main
struct ShipBench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "whitlock-ship-bench",
    abstract: "Shipping throughput: 2048-px Raman records into a spool, then into PostgreSQL.",
    discussion: """
      Starts a PostgreSQL server in a temporary directory, writes the records into a spool and \
      ships them, both timed in this one run. Prints records/s for the spool writer and for the \
      shipper, their ratio, the replay rate, CPU and WAL per record and the database's bytes per \
      record (the inputs of the scale-out estimate in docs/postgresql.md). Exits 1 if the \
      database does not hold every record exactly once.
      """)

  @Option(help: ArgumentHelp("Records to write and ship.", valueName: "n"))
  var records = 20_000

  func validate() throws {
    guard records > 0 else { throw ValidationError("--records must be a positive number") }
  }

  func run() async throws {
    try await Self.measure(recordCount: records)
  }

  /// The benchmark, on the main actor as it ran before it had options to parse.
  @MainActor static func measure(recordCount: Int) async throws {
    let records = BenchmarkRecords.make(distinct: 32)
    let postgres = try await PostgresServer()

    /// Bytes of write-ahead log the server has written so far.
    func walPosition() async throws -> Int {
      Int(try await postgres.psql("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")) ?? 0
    }

    let root = postgres.directory + "/spool"
    let layout = SpoolLayout(root: root)
    try layout.create()

    // 1. The spool's own write rate: default segment limits, fsync'd publication.
    let writer = try SpoolWriter(
      layout: layout, limits: SegmentLimits(), recovery: SpoolRecovery.run(layout))
    let writeStart = ContinuousClock.now
    for index in 0..<recordCount { try writer.append(records[index % records.count]) }
    try writer.publish()
    let writeSeconds = seconds(ContinuousClock.now - writeStart)
    let spoolBytes = writer.statistics.bytesWritten

    // 2. The shipper: connect and migrate first (an empty spool), then ship everything and time it.
    var logger = Logger(label: "whitlock-ship-bench")
    logger.logLevel = .warning
    let target = PostgresTarget(
      url: try PostgresURL(parsing: postgres.url), password: PostgresServer.password)
    let warmupLayout = SpoolLayout(root: postgres.directory + "/empty-spool")
    try warmupLayout.create()
    await SpoolShipper(
      settings: ShipperSettings(spool: warmupLayout, target: target), logger: logger
    )
    .run(untilDrained: true)
    let shipper = SpoolShipper(
      settings: ShipperSettings(spool: layout, target: target), logger: logger)
    let serverPID = postgres.serverPID ?? 0
    let walBeforeShip = try await walPosition()
    await ProcessCPU.waitForNoBackends(of: serverPID)
    let shipStart = ContinuousClock.now
    let (clientCPUStart, serverCPUStart) = (
      ProcessCPU.ownSeconds(), ProcessCPU.treeSeconds(of: serverPID)
    )
    await shipper.run(untilDrained: true)
    let shipSeconds = seconds(ContinuousClock.now - shipStart)
    let clientCPU = ProcessCPU.ownSeconds() - clientCPUStart
    await ProcessCPU.waitForNoBackends(of: serverPID)
    let serverCPU = ProcessCPU.treeSeconds(of: serverPID) - serverCPUStart
    let walAfterShip = try await walPosition()

    // 3. The same segments again: every record is already there (the replay path).
    for name in try FileManager.default.contentsOfDirectory(atPath: layout.cur) {
      try FileManager.default.moveItem(
        atPath: layout.cur + "/" + name, toPath: layout.new + "/" + name)
    }
    let replayStart = ContinuousClock.now
    await SpoolShipper(settings: ShipperSettings(spool: layout, target: target), logger: logger)
      .run(untilDrained: true)
    let replaySeconds = seconds(ContinuousClock.now - replayStart)

    let stored = Int(try await postgres.psql("SELECT count(*) FROM whitlock.records")) ?? -1
    let distinctKeys =
      Int(try await postgres.psql("SELECT count(DISTINCT (spool_id, seq)) FROM whitlock.records"))
      ?? -1
    let databaseBytes =
      Int(
        try await postgres.psql(
          "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'whitlock' AND c.relkind = 'r'"
        )) ?? 0
    let status = shipper.status.snapshot
    let walPerRecord = Double(walAfterShip - walBeforeShip) / Double(recordCount)
    await postgres.stop()
    try? FileManager.default.removeItem(atPath: postgres.directory)

    let spoolRate = Double(recordCount) / writeSeconds
    let shipRate = Double(recordCount) / shipSeconds
    print("PostgreSQL shipping, \(recordCount) Raman records of 2048 px (1000 per segment)")
    print(
      "  spool write     \(format(spoolRate)) records/s  (\(format(Double(spoolBytes) / writeSeconds / 1_048_576, 1)) MiB/s, \(format(writeSeconds, 2)) s)"
    )
    print(
      "  ship to PG      \(format(shipRate)) records/s  (\(format(shipSeconds, 2)) s, \(status.segmentsShipped) transactions)"
    )
    print("  ship / spool    \(format(shipRate / spoolRate, 3))")
    print(
      "  replay (dups)   \(format(Double(recordCount) / replaySeconds)) records/s  (all already present)"
    )
    print(
      "  cost per record \(format(1e6 / shipRate)) µs of shipping, \(format(Double(databaseBytes) / Double(max(stored, 1)))) bytes in the database (spool: \(format(Double(spoolBytes) / Double(recordCount))))"
    )
    print(
      "  CPU per record  \(format(clientCPU * 1e6 / Double(recordCount))) µs shipper, \(format(serverCPU * 1e6 / Double(recordCount))) µs PostgreSQL (wall \(format(shipSeconds * 1e6 / Double(recordCount))) µs, \(ProcessInfo.processInfo.activeProcessorCount) cores)"
    )
    print("  WAL per record  \(format(walPerRecord)) bytes")
    print("  stored \(stored) records, \(distinctKeys) distinct (spool, seq)")
    if stored != recordCount || distinctKeys != recordCount {
      print("FAIL: the database should hold each of the \(recordCount) records once")
      throw ExitCode.failure
    }
  }
}

func seconds(_ duration: Duration) -> Double {
  Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func format(_ value: Double, _ digits: Int = 0) -> String { String(format: "%.\(digits)f", value) }
