import Foundation
import Spool
import Testing
import WhitlockCore

@Suite struct SpoolRecoveryTests {
  private func write(atPath path: String, _ data: Data) throws {
    try data.write(to: URL(fileURLWithPath: path))
  }

  private func encoded(_ record: SpoolRecord, seq: UInt64) -> [UInt8] {
    var writer = JSONWriter()
    RecordEncoder.encode(record, seq: seq, into: &writer)
    return writer.bytes
  }

  @Test func publishesCompleteRecordsAndQuarantinesTornTail() throws {
    let spool = try TemporarySpool()
    var bytes =
      encoded(SampleRecords.runStart, seq: 41) + encoded(SampleRecords.acquisition(1), seq: 42)
    let torn = Array(encoded(SampleRecords.acquisition(2), seq: 43).prefix(100))
    bytes += torn
    let name = SpoolLayout.segmentName(firstSeq: 41)
    try write(atPath: spool.layout.tmp + "/" + name, Data(bytes))

    let report = try SpoolRecovery.run(spool.layout)
    #expect(report.publishedSegments == [name])
    #expect(report.recoveredRecords == 2)
    #expect(report.quarantinedFiles == [name + ".torn"])
    #expect(report.quarantinedBytes == torn.count)
    #expect(report.highestSequence == 42)
    #expect(try spool.names(in: spool.layout.tmp).isEmpty)
    let quarantined = try Data(
      contentsOf: URL(fileURLWithPath: spool.layout.quarantine + "/" + name + ".torn"))
    #expect(Array(quarantined) == torn)

    let verification = try SpoolVerifier.verify(spool.layout)
    #expect(verification.isClean, "\(verification.problems)")
    #expect(verification.quarantined == [name + ".torn"])

    let writer = try SpoolWriter(layout: spool.layout, limits: SegmentLimits(), recovery: report)
    #expect(try writer.append(SampleRecords.runEnd) == 43)
  }

  @Test func wholeSegmentsAreRenamedAndEmptyFilesRemoved() throws {
    let spool = try TemporarySpool()
    let complete = encoded(SampleRecords.acquisition(1), seq: 7)
    try write(
      atPath: spool.layout.tmp + "/" + SpoolLayout.segmentName(firstSeq: 7), Data(complete))
    try write(
      atPath: spool.layout.tmp + "/" + SpoolLayout.segmentName(firstSeq: 8), Data())
    let report = try SpoolRecovery.run(spool.layout)
    #expect(report.publishedSegments == [SpoolLayout.segmentName(firstSeq: 7)])
    #expect(report.removedEmptyFiles == [SpoolLayout.segmentName(firstSeq: 8)])
    #expect(report.quarantinedFiles.isEmpty)
    #expect(try spool.names(in: spool.layout.new) == [SpoolLayout.segmentName(firstSeq: 7)])
  }

  @Test func verifierReportsTornDuplicateAndLeftovers() throws {
    let spool = try TemporarySpool()
    let first = encoded(SampleRecords.acquisition(1), seq: 5)
    try write(
      atPath: spool.layout.new + "/" + SpoolLayout.segmentName(firstSeq: 5),
      Data(first + Array(first.prefix(20))))
    try write(
      atPath: spool.layout.cur + "/" + SpoolLayout.segmentName(firstSeq: 6), Data(first))
    try write(atPath: spool.layout.tmp + "/leftover.ndjson", Data(first))
    let report = try SpoolVerifier.verify(spool.layout)
    #expect(!report.isClean)
    #expect(report.duplicateSequences == [5])
    #expect(report.temporaryLeftovers == ["leftover.ndjson"])
    #expect(report.problems.contains { $0.message.contains("torn record") })
  }
}
