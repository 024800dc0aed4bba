import Foundation
import Spool
import Testing
import WhitlockCore

/// Entries whitlockd never writes, put where segments belong by a mistake or a hostile local
/// user: a symbolic link to `/dev/zero` (read whole, it never ends), a FIFO (opening it blocks
/// until a writer comes), an oversized file. Verification, recovery and the consumer name each
/// one and go on; none of them follows, blocks on or reads it.
@Suite struct SpoolHostileEntryTests {
  private static let link = "seg-9999999999999999.ndjson"
  private static let fifo = "seg-9999999999999998.ndjson"

  /// A spool with three good records in one segment, and in `new/` and `tmp/` a link to
  /// `/dev/zero` and a FIFO.
  private func hostileSpool() throws -> TemporarySpool {
    let spool = try TemporarySpool()
    let writer = try SpoolWriter(
      layout: spool.layout, limits: SegmentLimits(), recovery: SpoolRecovery.run(spool.layout))
    for index in 1...3 { try writer.append(SampleRecords.acquisition(UInt64(index))) }
    try writer.publish()
    for directory in [spool.layout.new, spool.layout.tmp] {
      try FileManager.default.createSymbolicLink(
        atPath: directory + "/" + Self.link, withDestinationPath: "/dev/zero")
      #expect(mkfifo(directory + "/" + Self.fifo, 0o644) == 0)
    }
    return spool
  }

  @Test func verifyNamesEachEntryAndChecksTheRest() throws {
    let spool = try hostileSpool()
    let report = try SpoolVerifier.verify(spool.layout)
    #expect(report.recordsChecked == 3)
    #expect(!report.isClean)
    let messages = report.problems.map(\.description)
    #expect(
      messages.contains { $0.hasPrefix("new/\(Self.link): ") && $0.contains("symbolic link") },
      "\(messages)")
    #expect(
      messages.contains { $0.hasPrefix("new/\(Self.fifo): ") && $0.contains("(a FIFO)") },
      "\(messages)")
  }

  @Test func recoverySkipsThemByNameAndFindsTheHighestSequence() throws {
    let spool = try hostileSpool()
    let report = try SpoolRecovery.run(spool.layout)
    #expect(
      Set(report.skippedEntries) == [
        "tmp/\(Self.link)", "tmp/\(Self.fifo)", "new/\(Self.link)", "new/\(Self.fifo)",
      ])
    #expect(report.highestSequence == 3, "from the last segment that is a regular file")
    #expect(!report.isEmpty, "the daemon logs what was skipped")
    // Left where they are: recovery moves only what it wrote.
    #expect(FileManager.default.fileExists(atPath: spool.layout.tmp + "/" + Self.fifo))
  }

  @Test func theConsumerRefusesToReadThem() throws {
    let spool = try hostileSpool()
    let consumer = SpoolConsumer(layout: spool.layout)
    for name in [Self.link, Self.fifo] {
      #expect {
        _ = try consumer.read(name)
      } throws: { error in
        (error as? SpoolError)?.kind == .notRegularFile
      }
    }
  }

  @Test func aFileLargerThanAnySegmentIsNotReadWhole() throws {
    let spool = try TemporarySpool()
    let path = spool.layout.new + "/seg-0000000000000001.ndjson"
    #expect(FileManager.default.createFile(atPath: path, contents: Data("{}\n".utf8)))
    // Sparse: 2 GiB of size without 2 GiB of disk.
    #expect(truncate(path, 2 << 30) == 0)
    let report = try SpoolVerifier.verify(spool.layout)
    #expect(report.recordsChecked == 0)
    #expect(
      report.problems.contains { $0.message.contains("more than a spool file can") },
      "\(report.problems)")
  }

  @Test func aLinkPlantedAsTheLockFileIsRefusedAndItsTargetLeftAlone() throws {
    let spool = try TemporarySpool()
    let victim = spool.layout.root + "/victim.txt"
    try "keep me\n".write(toFile: victim, atomically: false, encoding: .utf8)
    try FileManager.default.createSymbolicLink(
      atPath: spool.layout.lockFile, withDestinationPath: victim)
    #expect {
      _ = try SpoolLock(layout: spool.layout)
    } throws: { error in
      (error as? SpoolError)?.kind == .notRegularFile
    }
    #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep me\n")
  }
}
