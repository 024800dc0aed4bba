import Dispatch
import Foundation
import Synchronization
import Testing
import WhitlockCore

@testable import Spool

/// A disk that writes only as many records as the test allows, so the pump's backlog can be held
/// at any level: the writer thread waits in `writeFault` for a permit.
final class MeteredDisk: SpoolFaultInjector {
  private let permits = DispatchSemaphore(value: 0)  // blocking-ok: waited on by the writer thread

  /// Lets `count` more record writes through.
  func allow(_ count: Int) { for _ in 0..<count { permits.signal() } }

  func writeFault(path: String, count: Int) -> (errno: Int32, partial: Int)? {
    permits.wait()  // blocking-ok: the pump's own writer thread, held on purpose
    return nil
  }

  func publishFault(path: String) -> Int32? { nil }
}

@Suite struct SpoolPumpBacklogTests {
  /// Polls `condition` every millisecond for up to `seconds`.
  private func eventually(_ seconds: Double = 30, _ condition: () -> Bool) async -> Bool {
    let end = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < end {
      if condition() { return true }
      try? await Task.sleep(for: .milliseconds(1))
    }
    return condition()
  }

  @Test func aBacklogThatNeverEmptiesStaysWithinItsBoundAndCountsEveryRefusal() async throws {
    let spool = try TemporarySpool()
    let writer = try SpoolWriter(
      layout: spool.layout, limits: SegmentLimits(), recovery: SpoolRecovery.run(spool.layout))
    let disk = MeteredDisk()
    writer.faultInjector = disk
    let capacity = 64
    let pump = SpoolPump(writer: writer, capacity: capacity)
    var next: UInt64 = 1
    func submit(_ count: Int) -> Int {
      var accepted = 0
      for _ in 0..<count where pump.submit(SampleRecords.acquisition(next)) {
        next += 1
        accepted += 1
      }
      return accepted
    }
    // Full: the bound is in records, and the next one is refused and counted.
    #expect(submit(capacity) == capacity)
    #expect(submit(3) == 0)
    #expect(pump.counters.refused == 3)
    #expect(pump.counters.backlog == capacity)

    // 200 cycles of half a backlog written and half a backlog submitted: 6,400 records pass
    // through a queue that is never empty, whose storage must stay within the bound.
    var largestStorage = 0
    for cycle in 1...200 {
      disk.allow(capacity / 2)
      let target = UInt64(cycle * capacity / 2)
      #expect(await eventually { pump.counters.written >= target })
      #expect(submit(capacity / 2) == capacity / 2)
      largestStorage = max(largestStorage, pump.backlogStorageCapacity)
      if largestStorage > capacity { break }
    }
    #expect(
      largestStorage <= capacity, "storage held \(largestStorage) places for \(capacity) records")
    #expect(pump.counters.backlog == capacity)
    #expect(submit(1) == 0)
    #expect(pump.counters.refused == 4, "every refusal counted")

    disk.allow(capacity)
    await pump.finish(timeout: 30)
    #expect(pump.counters.backlog == 0)
    #expect(pump.counters.written == pump.counters.submitted)
    let report = try SpoolVerifier.verify(spool.layout)
    #expect(report.isClean, "\(report.problems)")
    #expect(report.recordsChecked == Int(next - 1))
    #expect(report.lowestSequence == 1 && report.highestSequence == next - 1)
  }
}
