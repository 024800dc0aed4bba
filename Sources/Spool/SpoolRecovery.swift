import WhitlockCore

/// What start-up recovery found and did, for the log.
public struct SpoolRecoveryReport: Sendable, Equatable {
  /// Segments left in `tmp/` by an earlier process and now published into `new/`.
  public var publishedSegments: [String] = []
  /// Complete records recovered from those segments.
  public var recoveredRecords: Int = 0
  /// Files written into `quarantine/` with bytes that were not complete records.
  public var quarantinedFiles: [String] = []
  /// Bytes moved to quarantine.
  public var quarantinedBytes: Int = 0
  /// Empty files removed from `tmp/` (nothing to lose).
  public var removedEmptyFiles: [String] = []
  /// The highest sequence number found on disk, 0 when the spool is empty.
  public var highestSequence: UInt64 = 0
  /// Entries that are not regular files (links, FIFOs, devices) where whitlockd keeps segments:
  /// never opened or followed, left where they are, and named here for the log.
  public var skippedEntries: [String] = []

  public init() {}

  /// Whether recovery had anything to do.
  public var isEmpty: Bool {
    publishedSegments.isEmpty && quarantinedFiles.isEmpty && removedEmptyFiles.isEmpty
      && skippedEntries.isEmpty
  }
}

/// Brings a spool left by a crashed or killed process back into its contract.
///
/// Every complete record found in `tmp/` is published into `new/`; a torn final line (or any line
/// that is not a record) is moved to `quarantine/` and reported. Nothing is deleted silently: the
/// only files removed are empty ones and scratch copies whose content is still in the original.
public enum SpoolRecovery {
  private static let scratchSuffix = ".recovering"
  /// A writer's interrupted rewrite of an abandoned segment (`SpoolWriter`): the abandoned file
  /// it was to replace is still in `tmp/` and is recovered instead.
  private static let rewriteSuffix = SpoolWriter.rewriteSuffix

  /// Runs recovery; call it once at start-up while holding the `SpoolLock`.
  public static func run(_ layout: SpoolLayout) throws(SpoolError) -> SpoolRecoveryReport {
    var report = SpoolRecoveryReport()
    for name in try POSIXFile.list(layout.tmp) {
      let path = layout.tmp + "/" + name
      if name.hasSuffix(scratchSuffix) || name.hasSuffix(rewriteSuffix) {
        // A scratch copy from an interrupted recovery or rewrite; its original is still in tmp/.
        try POSIXFile.unlink(path)
        continue
      }
      do { try recoverSegment(named: name, layout: layout, report: &report) } catch
        where error.kind == .notRegularFile
      {
        report.skippedEntries.append("tmp/" + name)
      }
    }
    try POSIXFile.fsyncDirectory(layout.tmp)
    for directory in [layout.new, layout.cur] {
      // The last segment that is a regular file holds the directory's highest seq.
      for name in try POSIXFile.list(directory).reversed() where name.hasSuffix(".ndjson") {
        let bytes: [UInt8]
        do { bytes = try POSIXFile.read(directory + "/" + name) } catch
          where error.kind == .notRegularFile
        {
          report.skippedEntries.append(
            String(directory.dropFirst(layout.root.count + 1)) + "/" + name)
          continue
        }
        if let seq = SegmentLines(bytes).complete.reversed().lazy.compactMap(RecordLine.sequence)
          .first
        {
          report.highestSequence = max(report.highestSequence, seq)
        }
        break
      }
    }
    return report
  }

  private static func recoverSegment(
    named name: String, layout: SpoolLayout, report: inout SpoolRecoveryReport
  ) throws(SpoolError) {
    let path = layout.tmp + "/" + name
    let bytes = try POSIXFile.read(path)
    if bytes.isEmpty {
      try POSIXFile.unlink(path)
      report.removedEmptyFiles.append(name)
      return
    }
    let lines = SegmentLines(bytes)
    var good: [UInt8] = []
    var bad: [UInt8] = []
    var recordCount = 0
    for line in lines.complete {
      if let seq = RecordLine.sequence(of: line) {
        good.append(contentsOf: line)
        good.append(0x0A)
        recordCount += 1
        report.highestSequence = max(report.highestSequence, seq)
      } else {
        bad.append(contentsOf: line)
        bad.append(0x0A)
      }
    }
    bad.append(contentsOf: lines.tornTail)

    let target = layout.new + "/" + name
    if !good.isEmpty {
      if POSIXFile.exists(target) {
        // Published before an interrupted recovery finished: only accept an identical copy.
        guard try POSIXFile.read(target) == good else {
          throw SpoolError(
            .corrupt,
            "cannot recover \(path): \(target) exists with different content; move one aside by hand"
          )
        }
      } else if bad.isEmpty {
        let fd = try POSIXFile.open(path, O_RDONLY)
        defer { close(fd) }
        try POSIXFile.fsync(fd, path: path)
        try POSIXFile.rename(path, target)
        try POSIXFile.fsyncDirectory(layout.new)
        report.publishedSegments.append(name)
        report.recoveredRecords += recordCount
        return
      } else {
        let scratch = path + scratchSuffix
        try POSIXFile.writeNewDurably(scratch, good)
        try POSIXFile.rename(scratch, target)
        try POSIXFile.fsyncDirectory(layout.new)
      }
      report.publishedSegments.append(name)
      report.recoveredRecords += recordCount
    }
    if !bad.isEmpty {
      var quarantineName = name + ".torn"
      var attempt = 1
      while POSIXFile.exists(layout.quarantine + "/" + quarantineName) {
        attempt += 1
        quarantineName = name + ".torn.\(attempt)"
      }
      try POSIXFile.writeNewDurably(layout.quarantine + "/" + quarantineName, bad)
      try POSIXFile.fsyncDirectory(layout.quarantine)
      report.quarantinedFiles.append(quarantineName)
      report.quarantinedBytes += bad.count
    }
    try POSIXFile.unlink(path)
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
