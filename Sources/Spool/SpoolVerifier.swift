import WhitlockCore

/// The findings of `SpoolVerifier`, printable for operators and encodable for scripts.
public struct SpoolVerificationReport: Sendable {
  /// One finding, tied to a file and, where it applies, a line.
  public struct Finding: Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String
    public var description: String {
      line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)"
    }
  }

  public var segmentsChecked = 0
  public var recordsChecked = 0
  public var recordsByType: [String: Int] = [:]
  public var lowestSequence: UInt64?
  public var highestSequence: UInt64?
  /// Problems that make the spool unclean: torn or invalid records, duplicate `seq`.
  public var problems: [Finding] = []
  /// Sequence numbers that appear more than once.
  public var duplicateSequences: [UInt64] = []
  /// Files still in `tmp/` (a writer is running, or recovery has not run yet).
  public var temporaryLeftovers: [String] = []
  /// Files in `quarantine/` from earlier recoveries: reported, but already accounted for.
  public var quarantined: [String] = []
  /// Notes that do not make the spool unclean.
  public var warnings: [Finding] = []

  /// True when every published record is valid, no `seq` repeats and `tmp/` is empty.
  public var isClean: Bool {
    problems.isEmpty && duplicateSequences.isEmpty && temporaryLeftovers.isEmpty
  }
}

/// Checks every published segment against the spool contract and the record schema.
public enum SpoolVerifier {
  /// The most problems listed per segment before the rest are summarised.
  static let problemsPerSegment = 20

  /// Verifies `new/` and `cur/` of the spool at `layout`, and lists `tmp/` and `quarantine/`.
  public static func verify(_ layout: SpoolLayout, validator: JSONSchemaValidator = .records)
    throws(SpoolError) -> SpoolVerificationReport
  {
    var report = SpoolVerificationReport()
    guard POSIXFile.exists(layout.new) else {
      throw SpoolError(
        .corrupt, "\(layout.root) is not a whitlockd spool: it has no new/ directory")
    }
    var seen = Set<UInt64>()
    var duplicates = Set<UInt64>()
    for directory in [layout.new, layout.cur] where POSIXFile.exists(directory) {
      for name in try POSIXFile.list(directory) {
        let relative = String(directory.dropFirst(layout.root.count + 1)) + "/" + name
        guard name.hasSuffix(".ndjson") else {
          report.warnings.append(
            .init(file: relative, line: nil, message: "not a segment (ignored)"))
          continue
        }
        do {
          try verifySegment(
            path: directory + "/" + name, relative: relative, name: name, validator: validator,
            seen: &seen, duplicates: &duplicates, report: &report)
        } catch let error where error.kind == .notRegularFile || error.kind == .corrupt {
          // A link, FIFO, device or oversized file where a segment belongs: named, not read.
          report.problems.append(.init(file: relative, line: nil, message: error.message))
        }
      }
    }
    report.duplicateSequences = duplicates.sorted()
    if POSIXFile.exists(layout.tmp) { report.temporaryLeftovers = try POSIXFile.list(layout.tmp) }
    if POSIXFile.exists(layout.quarantine) {
      report.quarantined = try POSIXFile.list(layout.quarantine)
    }
    return report
  }

  private static func verifySegment(
    path: String, relative: String, name: String, validator: JSONSchemaValidator,
    seen: inout Set<UInt64>, duplicates: inout Set<UInt64>, report: inout SpoolVerificationReport
  ) throws(SpoolError) {
    let lines = SegmentLines(try POSIXFile.read(path))
    report.segmentsChecked += 1
    var problems = 0
    func problem(_ line: Int?, _ message: String) {
      problems += 1
      if problems <= problemsPerSegment {
        report.problems.append(.init(file: relative, line: line, message: message))
      }
    }
    if lines.complete.isEmpty && lines.tornTail.isEmpty { problem(nil, "empty segment") }
    if !lines.tornTail.isEmpty {
      problem(
        lines.complete.count + 1, "torn record: \(lines.tornTail.count) bytes without newline")
    }
    var previous: UInt64?
    var first: UInt64?
    for (index, line) in lines.complete.enumerated() {
      let lineNumber = index + 1
      let value: JSONValue
      do { value = try JSONParser.parse(line) } catch {
        problem(lineNumber, "\(error)")
        continue
      }
      report.recordsChecked += 1
      for violation in validator.validate(value).prefix(3) {
        problem(lineNumber, "schema: \(violation)")
      }
      if let type = value["type"]?.stringValue { report.recordsByType[type, default: 0] += 1 }
      guard case .int(let raw)? = value["seq"], raw > 0 else { continue }
      let seq = UInt64(raw)
      if first == nil { first = seq }
      if let previous, seq <= previous {
        problem(lineNumber, "seq \(seq) does not increase (previous \(previous))")
      }
      previous = seq
      if !seen.insert(seq).inserted { duplicates.insert(seq) }
      report.lowestSequence = min(report.lowestSequence ?? seq, seq)
      report.highestSequence = max(report.highestSequence ?? seq, seq)
    }
    if problems > problemsPerSegment {
      report.problems.append(
        .init(file: relative, line: nil, message: "\(problems - problemsPerSegment) more problems"))
    }
    if let first, SpoolLayout.segmentName(firstSeq: first) != name {
      report.warnings.append(
        .init(file: relative, line: nil, message: "name does not match its first seq \(first)"))
    }
  }
}
