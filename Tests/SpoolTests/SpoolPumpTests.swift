import Foundation
import Spool
import Synchronization
import Testing
import WhitlockCore

@Suite struct SpoolPumpTests {
  @Test func writesEverythingSubmittedAndPublishesOnFinish() async throws {
    let spool = try TemporarySpool()
    let writer = try SpoolWriter(
      layout: spool.layout, limits: SegmentLimits(maxRecords: 50),
      recovery: SpoolRecovery.run(spool.layout))
    let written = Mutex<[UInt64]>([])
    let published = Mutex<[ClosedRange<UInt64>]>([])
    let pump = SpoolPump(
      writer: writer, onWritten: { _, seq in written.withLock { $0.append(seq) } },
      onPublished: { range in published.withLock { $0.append(range) } })
    for index in 1...120 { #expect(pump.submit(SampleRecords.acquisition(UInt64(index)))) }
    await pump.finish()
    #expect(written.withLock { $0 } == Array(1...120))
    #expect(pump.counters.written == 120)
    #expect(pump.counters.backlog == 0)
    #expect(pump.counters.segmentsPublished == 3)
    #expect(published.withLock { $0 } == [1...50, 51...100, 101...120])
    #expect(!pump.submit(SampleRecords.acquisition(121)), "a finished pump refuses records")
    #expect(try spool.names(in: spool.layout.tmp).isEmpty)
    let report = try SpoolVerifier.verify(spool.layout)
    #expect(report.isClean)
    #expect(report.recordsChecked == 120)
    #expect(report.segmentsChecked == 3)
  }
}
