import Foundation
import TestSupport

/// Helpers the PostgreSQL shipping tests share: start `whitlockctl ship`, read what a spool
/// holds, and what the database holds.
enum ShippingFixture {
  /// The sequence numbers of every record in the spool's `new/` and `cur/` segments.
  static func spoolSequences(_ spool: String) -> [Int] {
    var result: [Int] = []
    for directory in ["new", "cur"] {
      let path = spool + "/" + directory
      let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
      for name in names where name.hasSuffix(".ndjson") {
        let text = (try? String(contentsOfFile: path + "/" + name, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
          guard let range = line.range(of: "\"seq\":") else { continue }
          if let seq = Int(line[range.upperBound...].prefix { $0.isNumber }) { result.append(seq) }
        }
      }
    }
    return result.sorted()
  }

  /// Names of the segments in a spool subdirectory.
  static func segments(_ spool: String, _ directory: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: spool + "/" + directory)) ?? [])
      .filter { $0.hasSuffix(".ndjson") }.sorted()
  }

  /// `count(*)`, `count(DISTINCT (spool_id, seq))` and `sum(seq)` of `whitlock.records`.
  static func databaseTally(_ postgres: PostgresServer) async throws -> [Int] {
    try await postgres.psql(
      "SELECT count(*), count(DISTINCT (spool_id, seq)), coalesce(sum(seq), 0) FROM whitlock.records"
    ).split(separator: "|").compactMap { Int($0) }
  }

  /// Acquisition records without their `whitlock.acquisitions` row, and rows without a record.
  static func unmatchedAcquisitions(_ postgres: PostgresServer) async throws -> Int {
    Int(
      try await postgres.psql(
        """
        SELECT count(*) FROM whitlock.records r FULL JOIN whitlock.acquisitions a
          USING (spool_id, seq)
        WHERE (r.type = 'acquisition') IS DISTINCT FROM (a.seq IS NOT NULL)
        """)) ?? -1
  }

  /// Starts `whitlockctl ship` on `spool` against `postgres`.
  static func startShipper(
    spool: String, postgres: PostgresServer, passwordFile: String? = nil, extra: [String] = []
  ) throws -> ChildProcess {
    try ChildProcess(
      try ProductsDirectory.executable("whitlockctl"),
      [
        "ship", "--postgres", postgres.url, "--password-file",
        passwordFile ?? postgres.passwordFile,
        "--spool", spool, "--retry-max", "0.5",
      ] + extra)
  }

  /// Waits until a shipper started with `--log-level debug` has logged `attempt` more than four
  /// times (or exits), so it has retried several times; returns whether it waited that long and
  /// its ERROR lines, which should hold one clear error however often it retried.
  static func errorsWhileRetrying(_ shipper: ChildProcess, attempt: String) async -> (
    retried: Bool, errors: [Substring]
  ) {
    let retried = await shipper.wait(upTo: .seconds(60)) {
      $0.standardError.components(separatedBy: attempt).count > 4 || !$0.isRunning
    }
    let errors = shipper.standardError.split(separator: "\n").filter { $0.contains(" ERROR ") }
    return (retried, errors)
  }

  /// Runs `whitlockctl ship --once` to completion and returns its exit status and log.
  static func drain(spool: String, postgres: PostgresServer) async throws -> SubprocessResult {
    try await Subprocess.run(
      URL(fileURLWithPath: try ProductsDirectory.executable("whitlockctl")),
      [
        "ship", "--postgres", postgres.url, "--password-file", postgres.passwordFile, "--spool",
        spool, "--once",
      ], deadline: 600)
  }

  /// Puts a copy of `segment` from `cur/` back into `new/` the safe way (copy beside, rename in),
  /// as an operator replaying it by hand would.
  static func replay(_ segment: String, spool: String) throws {
    let staging = spool + "/" + segment + ".replay"
    try FileManager.default.copyItem(atPath: spool + "/cur/" + segment, toPath: staging)
    guard rename(staging, spool + "/new/" + segment) == 0 else {
      throw StartFailure(description: "cannot move \(staging) into new/")
    }
  }

  /// A directory for one test, removed by the caller.
  static func scratchDirectory(_ name: String) throws -> String {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlock-\(name)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }
}
