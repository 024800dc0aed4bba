import Foundation
import TestSupport
import WhitlockCore

/// A device that fails writeback: the real `whitlockd`, told through
/// `WHITLOCK_SPOOL_INJECT_FAULT=fsync:N` to fail the fsync of its Nth segment with EIO and to
/// lose that file's pages (its bytes become zeros). The writer must abandon that descriptor and
/// file, rewrite the segment's records from memory into a new file and publish that, so every
/// acquisition the run-end summaries count is in the spool exactly once, in seq order, and the
/// failure is logged once with the file and errno and counted in
/// `whitlock_spool_segments_abandoned_total`. A writer that retried the fsync on the same
/// descriptor would publish a segment of zeros: lost records and an unclean spool.
extension Scenarios {
  func fsyncEIO() async throws -> [MatrixRow] {
    let scratch = try Scratch("fsync-eio")
    defer { scratch.remove() }
    let configuration = try Harness.loadConfiguration(scratch, ramanExposure: 0.02, pacing: 1)
    let occurrence = 5
    let (daemon, endpoint) = try await Harness.daemon(
      configuration, environment: ["WHITLOCK_SPOOL_INJECT_FAULT": "fsync:\(occurrence)"])
    let marker = "spool segment file abandoned after a failed fsync"
    _ = await daemon.wait(upTo: .seconds(60)) {
      $0.standardError.contains(marker) || !$0.isRunning
    }
    // A few more segments after the rewritten one, then a clean stop publishes the rest.
    try await Task.sleep(for: .seconds(1))
    let metrics = Harness.metrics(endpoint)
    let (status, _) = await Harness.terminate(daemon)
    let log = daemon.standardError
    let logLines = log.split(separator: "\n").filter { $0.contains(marker) }
    let report = try await Harness.verify(scratch.spool)
    let records = Harness.records(scratch.spool)
    let ends = records.filter { $0["type"]?.stringValue == "run-end" }
    func summed(_ key: String) -> Int {
      ends.reduce(0) { $0 + Int($1["summary"]?[key]?.doubleValue ?? 0) }
    }
    let completed = summed("acquisitions_completed")
    let dropped = summed("acquisitions_dropped")
    let acquisitions = records.filter { $0["type"]?.stringValue == "acquisition" }.count
    let seqs = records.compactMap { $0["seq"]?.doubleValue }
    let duplicates = seqs.count - Set(seqs).count
    let increasing = zip(seqs, seqs.dropFirst()).allSatisfy { $0 < $1 }
    let abandoned = Int(metrics["whitlock_spool_segments_abandoned_total"] ?? -1)
    let refused = Int(metrics["whitlock_spool_records_refused_total"] ?? -1)
    let lost = completed - acquisitions
    // Missing records that no counter accounts for.
    let silentlyDropped = completed - acquisitions - dropped - max(refused, 0)
    let clean = report["clean"] == .bool(true)
    let leftovers = report["tmp_leftovers"]?.elements?.count ?? -1
    let loggedWithErrno =
      logLines.count == 1 && logLines[0].contains("errno=5")
      && logLines[0].contains("tmp/seg-")
    let ok =
      status == 0 && completed > 0 && lost == 0 && silentlyDropped == 0 && dropped == 0
      && refused == 0 && duplicates == 0 && increasing && clean && leftovers == 0
      && abandoned == 1 && loggedWithErrno
    let file = logLines.first.flatMap { line in
      line.split(separator: " ").first { $0.hasPrefix("file=") }.map { String($0.dropFirst(5)) }
    }
    return [
      MatrixRow(
        scenario: "fsync EIO (injected)", cycles: 1, completed: "\(completed)",
        spooled: "\(acquisitions)", lost: "\(lost)", duplicated: "\(duplicates)",
        verdict: ok ? "PASS" : "FAIL",
        notes:
          "fsync #\(occurrence) EIO, pages lost; abandoned \(abandoned) "
          + "(\(file ?? "no file logged"), logged \(logLines.count)× with errno "
          + "\(loggedWithErrno ? 5 : -1)), rewritten and published; silently dropped "
          + "\(silentlyDropped), dropped \(dropped), refused \(refused), seq increasing "
          + "\(increasing), verify clean \(clean), tmp leftovers \(leftovers)")
    ]
  }
}
