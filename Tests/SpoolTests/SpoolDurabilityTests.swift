import Foundation
import Synchronization
import Testing
import WhitlockCore

@testable import Spool

/// A failed `write`, `fsync` or roll-back `ftruncate` of a segment: the writer abandons that
/// descriptor and file and rewrites the segment's records from memory into a new copy. Each fault
/// is a `SpoolInjectedFault`, which also makes the failure's consequence real: an EIO leaves the
/// file's bytes zeroed (the pages lost), a failed `ftruncate` leaves the half record in the file.
/// A writer that retried on the same descriptor, or ignored the `ftruncate`, would publish that.
@Suite struct SpoolDurabilityTests {
  struct Outcome {
    var report: SpoolVerificationReport
    var abandoned: [SpoolWriter.AbandonedSegment]
    var states: [SpoolPump.State]
    var counters: SpoolPump.Counters
    var deviceSequences: [UInt64]
    var sequences: [UInt64]
    var published: [String]
    var leftInTmp: [String]
  }

  /// Writes 20 records through a pump in segments of 5 with `fault` injected, then finishes.
  private func run(_ fault: SpoolInjectedFault) async throws -> Outcome {
    let spool = try TemporarySpool()
    let writer = try SpoolWriter(
      layout: spool.layout, limits: SegmentLimits(maxRecords: 5),
      recovery: SpoolRecovery.run(spool.layout))
    writer.faultInjector = fault
    let states = Mutex<[SpoolPump.State]>([])
    let abandoned = Mutex<[SpoolWriter.AbandonedSegment]>([])
    let pump = SpoolPump(
      writer: writer, capacity: 100, retryInterval: 0.02,
      onStateChange: { state in states.withLock { $0.append(state) } },
      onSegmentAbandoned: { segment in abandoned.withLock { $0.append(segment) } })
    for index in 1...20 { #expect(pump.submit(SampleRecords.acquisition(UInt64(index)))) }
    await pump.finish(timeout: 30)
    #expect(fault.fired, "the fault was injected")
    var deviceSequences: [UInt64] = []
    var sequences: [UInt64] = []
    let published = try spool.names(in: spool.layout.new)
    for name in published {
      for record in try spool.lines(of: spool.layout.new + "/" + name) {
        if let value = record["seq"]?.doubleValue { sequences.append(UInt64(value)) }
        if let value = record["acquisition"]?["device_seq"]?.doubleValue {
          deviceSequences.append(UInt64(value))
        }
      }
    }
    // Hidden names too: nothing of the abandoned file or its copy may be left behind.
    let leftInTmp = try FileManager.default.contentsOfDirectory(atPath: spool.layout.tmp)
    return Outcome(
      report: try SpoolVerifier.verify(spool.layout), abandoned: abandoned.withLock { $0 },
      states: states.withLock { $0 }, counters: pump.counters, deviceSequences: deviceSequences,
      sequences: sequences, published: published, leftInTmp: leftInTmp)
  }

  /// What every fault must end in: each record published exactly once, in order, seq 1…20 with
  /// none missing or repeated, a clean spool, `tmp/` empty, the failure reported once.
  private func expectNothingLostOrDuplicated(
    _ outcome: Outcome, operation: String, records: Int,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(outcome.report.isClean, "\(outcome.report.problems)", sourceLocation: sourceLocation)
    #expect(outcome.report.recordsChecked == 20, sourceLocation: sourceLocation)
    #expect(
      outcome.sequences == Array(1...20), "seq strictly increasing, none missing or repeated",
      sourceLocation: sourceLocation)
    #expect(
      outcome.deviceSequences == Array(1...20), "every record exactly once, in order",
      sourceLocation: sourceLocation)
    #expect(outcome.leftInTmp.isEmpty, "\(outcome.leftInTmp)", sourceLocation: sourceLocation)
    #expect(
      outcome.published == [1, 6, 11, 16].map { SpoolLayout.segmentName(firstSeq: $0) },
      sourceLocation: sourceLocation)
    #expect(
      outcome.abandoned.count == 1, "reported once: \(outcome.abandoned)",
      sourceLocation: sourceLocation)
    #expect(outcome.counters.segmentsAbandoned == 1, sourceLocation: sourceLocation)
    #expect(
      outcome.counters.written == 20 && outcome.counters.refused == 0,
      sourceLocation: sourceLocation)
    if let event = outcome.abandoned.first {
      #expect(
        event.file == "tmp/" + SpoolLayout.segmentName(firstSeq: 6), sourceLocation: sourceLocation)
      #expect(event.operation == operation, sourceLocation: sourceLocation)
      #expect(event.errno == EIO, sourceLocation: sourceLocation)
      #expect(
        event.reason.contains("Input/output error"), "\(event.reason)",
        sourceLocation: sourceLocation)
      #expect(event.records == records, sourceLocation: sourceLocation)
    }
  }

  @Test func fsyncEIOAbandonsTheFileAndPublishesItsRecordsFromAFreshCopy() async throws {
    // The second segment's fsync fails and its pages are lost: retrying the fsync on the same
    // descriptor would succeed and publish five lines of zeros.
    let outcome = try await run(SpoolInjectedFault(.fsync, occurrence: 2))
    expectNothingLostOrDuplicated(outcome, operation: "fsync", records: 5)
    #expect(outcome.states.isEmpty, "rewritten at once: the pump never reported failing")
  }

  @Test func writeEIOAbandonsTheFileAndRewritesTheRecordsItHeld() async throws {
    // The 8th record (the third of the second segment) fails with EIO after half of it was
    // written, and the two records before it are lost from the file.
    let outcome = try await run(SpoolInjectedFault(.write, occurrence: 8))
    expectNothingLostOrDuplicated(outcome, operation: "write", records: 2)
    #expect(outcome.states.isEmpty, "rewritten at once: the pump never reported failing")
  }

  @Test func failedRollBackAfterAFullDiskAbandonsTheFile() async throws {
    // The 8th record runs out of space halfway, and truncating the half record away fails.
    let outcome = try await run(SpoolInjectedFault(.ftruncate, occurrence: 8))
    expectNothingLostOrDuplicated(outcome, operation: "ftruncate", records: 2)
  }

  @Test func recoveryRemovesAnInterruptedRewriteAndPublishesTheOriginal() throws {
    let spool = try TemporarySpool()
    do {
      let writer = try SpoolWriter(
        layout: spool.layout, limits: SegmentLimits(),
        recovery: SpoolRecovery.run(spool.layout))
      for index in 1...3 { try writer.append(SampleRecords.acquisition(UInt64(index))) }
    }
    let original = spool.layout.tmp + "/" + SpoolLayout.segmentName(firstSeq: 1)
    let copy = original + SpoolWriter.rewriteSuffix
    #expect(FileManager.default.createFile(atPath: copy, contents: Data("{\"seq\":1".utf8)))
    let report = try SpoolRecovery.run(spool.layout)
    #expect(report.publishedSegments == [SpoolLayout.segmentName(firstSeq: 1)])
    #expect(report.quarantinedFiles.isEmpty)
    #expect(try FileManager.default.contentsOfDirectory(atPath: spool.layout.tmp).isEmpty)
    let verified = try SpoolVerifier.verify(spool.layout)
    #expect(verified.isClean && verified.recordsChecked == 3)
  }

  @Test func faultRequestsFromTheEnvironmentParseOrAreRefused() throws {
    let variable = SpoolInjectedFault.environmentVariable
    #expect(try SpoolInjectedFault.fromEnvironment([:]) == nil)
    let fault = try #require(try SpoolInjectedFault.fromEnvironment([variable: "fsync:3"]))
    #expect(fault.operation == .fsync && fault.occurrence == 3)
    for bad in ["fsync", "fsync:0", "sync:2", "fsync:x"] {
      #expect(throws: SpoolError.self) { try SpoolInjectedFault.fromEnvironment([variable: bad]) }
    }
  }
}
