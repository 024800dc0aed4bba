import Spool
import WhitlockCore

/// Renders a spool verification report for people and for scripts.
public enum VerificationReportRendering {
  /// A few lines a person reads: verdict first, then the findings.
  public static func text(_ report: SpoolVerificationReport, directory: String) -> String {
    var lines: [String] = []
    let verdict = report.isClean ? "clean" : "NOT CLEAN"
    let range =
      report.lowestSequence.map { "seq \($0)…\(report.highestSequence ?? $0)" } ?? "no records"
    lines.append(
      "\(directory): \(verdict): \(report.segmentsChecked) segments, \(report.recordsChecked) records, \(range)"
    )
    for problem in report.problems { lines.append("problem: \(problem)") }
    if !report.duplicateSequences.isEmpty {
      lines.append(
        "problem: duplicate seq: "
          + report.duplicateSequences.prefix(20).map(String.init).joined(separator: ", "))
    }
    for leftover in report.temporaryLeftovers {
      lines.append(
        "problem: tmp/\(leftover) is not published (is whitlockd running, or did it crash?)")
    }
    for file in report.quarantined {
      lines.append("note: quarantine/\(file) holds torn bytes from a recovery")
    }
    for warning in report.warnings { lines.append("note: \(warning)") }
    return lines.joined(separator: "\n")
  }

  /// One JSON object with every count and finding.
  public static func json(_ report: SpoolVerificationReport) -> String {
    func findings(_ list: [SpoolVerificationReport.Finding]) -> JSONValue {
      .array(
        list.map {
          .object([
            ("file", .string($0.file)), ("line", $0.line.map { .int(Int64($0)) } ?? .null),
            ("message", .string($0.message)),
          ])
        })
    }
    let value = JSONValue.object([
      ("clean", .bool(report.isClean)),
      ("segments", .int(Int64(report.segmentsChecked))),
      ("records", .int(Int64(report.recordsChecked))),
      (
        "records_by_type",
        .object(
          report.recordsByType.sorted { $0.key < $1.key }.map { ($0.key, .int(Int64($0.value))) })
      ),
      ("lowest_seq", report.lowestSequence.map { .int(Int64($0)) } ?? .null),
      ("highest_seq", report.highestSequence.map { .int(Int64($0)) } ?? .null),
      ("problems", findings(report.problems)),
      ("duplicate_seq", .array(report.duplicateSequences.map { .int(Int64($0)) })),
      ("tmp_leftovers", .array(report.temporaryLeftovers.map(JSONValue.string))),
      ("quarantined", .array(report.quarantined.map(JSONValue.string))),
      ("warnings", findings(report.warnings)),
    ])
    var writer = JSONWriter(reservingCapacity: 1024)
    writer.value(value)
    return String(decoding: writer.bytes, as: UTF8.self)
  }
}
