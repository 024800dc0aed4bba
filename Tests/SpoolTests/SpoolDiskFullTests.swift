import Foundation
import Synchronization
import Testing
import WhitlockCore

@testable import Spool

/// A disk that fills up after a number of good writes and gets space back on request: every write
/// then stores half its bytes and fails with ENOSPC, and every publication fails too.
final class FillingDisk: SpoolFaultInjector {
  private struct State {
    var writesLeft: Int
    var full = false
    var failedWrites = 0
    var failedPublications = 0
    /// The test asked the writer to wait at its next attempt, and whether it is waiting now.
    var holding = false
    var parked = false
  }
  private let state: Mutex<State>

  init(goodWrites: Int) { state = Mutex(State(writesLeft: goodWrites, full: goodWrites <= 0)) }

  var isFull: Bool { state.withLock { $0.full } }
  var failedWrites: Int { state.withLock { $0.failedWrites } }
  var failedPublications: Int { state.withLock { $0.failedPublications } }

  /// Runs `body` while the writer waits at the start of its next attempt, so the open segment is
  /// between two attempts with the last one's partial write already rolled back. (A reader that
  /// looks during an attempt sees the half record before the writer truncates it: the state a
  /// crash would leave, which recovery handles, not what a paused writer leaves.) The writer
  /// retries every few milliseconds while the disk is full, so it arrives soon.
  func withWriterParked(_ body: () throws -> Bool) async throws -> Bool {
    state.withLock {
      $0.holding = true
      $0.parked = false
    }
    defer { state.withLock { $0.holding = false } }
    let deadline = ContinuousClock.now + .seconds(60)
    while !state.withLock({ $0.parked }) {
      guard ContinuousClock.now < deadline else { return false }
      try await Task.sleep(for: .milliseconds(2))
    }
    return try body()
  }

  func freeSpace() {
    state.withLock { state in
      state.full = false
      state.writesLeft = .max
    }
  }

  func writeFault(path: String, count: Int) -> (errno: Int32, partial: Int)? {
    while state.withLock({ state in
      if state.holding { state.parked = true }
      return state.holding
    }) {
      usleep(1000)  // blocking-ok: the pump's own writer thread, parked on purpose
    }
    return state.withLock { state in
      guard state.full else {
        state.writesLeft -= 1
        state.full = state.writesLeft <= 0
        return nil
      }
      state.failedWrites += 1
      return (ENOSPC, count / 2)
    }
  }

  func publishFault(path: String) -> Int32? {
    state.withLock { state in
      guard state.full else { return nil }
      state.failedPublications += 1
      return ENOSPC
    }
  }
}

@Suite struct SpoolDiskFullTests {
  /// Polls `condition` every 10 ms for up to `seconds`.
  private func eventually(_ seconds: Double = 30, _ condition: () -> Bool) async -> Bool {
    let end = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < end {
      if condition() { return true }
      try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
  }

  /// Every line of every segment in `directory` parses: no torn record.
  private func allLinesParse(in directory: String, _ spool: TemporarySpool) throws -> Int {
    var count = 0
    for name in try spool.names(in: directory) {
      count += try spool.lines(of: directory + "/" + name).count
    }
    return count
  }

  @Test func fullDiskKeepsRecordsInTheBacklogAndWritesEachExactlyOnceWhenSpaceReturns()
    async throws
  {
    let spool = try TemporarySpool()
    let writer = try SpoolWriter(
      layout: spool.layout, limits: SegmentLimits(maxRecords: 8),
      recovery: SpoolRecovery.run(spool.layout))
    let disk = FillingDisk(goodWrites: 12)
    writer.faultInjector = disk
    let states = Mutex<[SpoolPump.State]>([])
    let pump = SpoolPump(
      writer: writer, capacity: 1000, retryInterval: 0.02,
      onStateChange: { state in states.withLock { $0.append(state) } })

    for index in 1...20 { #expect(pump.submit(SampleRecords.acquisition(UInt64(index)))) }
    let failing = await eventually {
      states.withLock { $0.last.map { if case .failing = $0 { true } else { false } } ?? false }
    }
    #expect(failing, "the pump reports the full disk")
    let reason = states.withLock { $0.last.map { "\($0)" } ?? "" }
    #expect(reason.contains("No space left on device"), "\(reason)")

    // Acquisition goes on: records queue up, none is refused.
    for index in 21...60 { #expect(pump.submit(SampleRecords.acquisition(UInt64(index)))) }
    #expect(await eventually { disk.failedWrites >= 3 })
    let held = pump.counters
    #expect(held.written == 12)
    #expect(held.backlog == 48)
    #expect(held.refused == 0)

    // While the disk is full, every segment, published or open, ends on a complete record
    // between the writer's attempts.
    #expect(try allLinesParse(in: spool.layout.new, spool) == 8)
    #expect(
      try await disk.withWriterParked {
        try allLinesParse(in: spool.layout.tmp, spool) == 4
          && SpoolVerifier.verify(spool.layout).problems.isEmpty
      })

    disk.freeSpace()
    #expect(await eventually { pump.counters.backlog == 0 })
    await pump.finish()
    #expect(states.withLock { $0.last } == .writing)
    #expect(pump.counters.written == 60)
    #expect(pump.counters.refused == 0)

    let report = try SpoolVerifier.verify(spool.layout)
    #expect(report.isClean, "\(report.problems)")
    #expect(report.recordsChecked == 60)
    #expect(report.lowestSequence == 1 && report.highestSequence == 60, "no seq burnt by retries")
    var deviceSequences: [UInt64] = []
    for name in try spool.names(in: spool.layout.new) {
      for record in try spool.lines(of: spool.layout.new + "/" + name) {
        if let value = record["acquisition"]?["device_seq"]?.doubleValue {
          deviceSequences.append(UInt64(value))
        }
      }
    }
    #expect(deviceSequences == Array(1...60), "every record exactly once, in order")
  }

  @Test func aFailedPublicationAfterAnAppendDoesNotWriteTheRecordTwice() async throws {
    let spool = try TemporarySpool()
    let writer = try SpoolWriter(
      layout: spool.layout, limits: SegmentLimits(maxRecords: 4, maxAgeSeconds: 0.05),
      recovery: SpoolRecovery.run(spool.layout))
    // Four good writes: the fourth reaches the size limit, and its publication fails.
    let disk = FillingDisk(goodWrites: 4)
    writer.faultInjector = disk
    let written = Mutex<[UInt64]>([])
    let pump = SpoolPump(
      writer: writer, capacity: 100, retryInterval: 0.02,
      onWritten: { _, seq in written.withLock { $0.append(seq) } })
    for index in 1...4 { #expect(pump.submit(SampleRecords.acquisition(UInt64(index)))) }
    #expect(await eventually { pump.counters.written == 4 })
    #expect(pump.counters.backlog == 0)
    // The failed fsync abandons the file; each retry rewrites its records into a copy, whose
    // write fails while the disk is full.
    #expect(
      await eventually { disk.failedPublications >= 1 && disk.failedWrites >= 1 },
      "publication is retried")
    #expect(try spool.names(in: spool.layout.new).isEmpty)
    disk.freeSpace()
    await pump.finish()
    #expect(written.withLock { $0 } == [1, 2, 3, 4])
    let report = try SpoolVerifier.verify(spool.layout)
    #expect(report.isClean, "\(report.problems)")
    #expect(report.recordsChecked == 4)
  }
}
