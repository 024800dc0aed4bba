import Foundation
import Logging
import ServiceLifecycle
import Simulation
import Spool
import Synchronization
import WhitlockCore
import WhitlockDaemon

/// Runs real instrument sessions (simulated instruments → analysis → SpoolPump → disk) in this
/// process for a fixed time, recording device-to-spool latencies.
final class SessionHarness: Sendable {
  struct Result {
    var completed: [String: UInt64]
    var dropped: UInt64
    var writtenLatency: [Double]
    var publishedLatency: [Double]
    var cpuSeconds: Double
    var wallSeconds: Double
    var residentMiB: Double
  }

  private struct Timings {
    var endedAt: [UInt64: Date] = [:]
    var written: [Double] = []
    var published: [Double] = []
  }

  private let timings = Mutex(Timings())

  func run(
    directory: String, instruments: Int, exposureSeconds: Double, pacing: Double, pixels: Int,
    seconds: Double
  ) async throws -> Result {
    let layout = SpoolLayout(root: directory)
    try layout.create()
    let writer = try SpoolWriter(
      layout: layout, limits: SegmentLimits(), recovery: SpoolRecovery.run(layout))
    let pump = SpoolPump(
      writer: writer, capacity: 1_000_000,
      onWritten: { [self] record, seq in
        guard case .acquisition(_, let acquisition, _) = record else { return }
        let now = Date()
        timings.withLock {
          $0.endedAt[seq] = acquisition.endedAt
          $0.written.append(now.timeIntervalSince(acquisition.endedAt))
        }
      },
      onPublished: { [self] range in
        let now = Date()
        timings.withLock { state in
          for seq in range {
            if let ended = state.endedAt.removeValue(forKey: seq) {
              state.published.append(now.timeIntervalSince(ended))
            }
          }
        }
      })
    var logger = Logger(label: "bench")
    logger.logLevel = .error
    let runs = RunController()
    var sessions: [InstrumentSession] = []
    for index in 0..<instruments {
      var settings = SimulatedRamanSettings(
        seed: UInt64(index + 1), serial: "B\(index)", exposureSeconds: exposureSeconds,
        pixelCount: pixels, acquisitionsPerPoint: 10, pacing: pacing)
      settings.stallAfterAcquisitions = nil
      sessions.append(
        InstrumentSession(
          instrument: SimulatedRamanInstrument(configuredID: "raman-\(index)", settings: settings),
          analyzer: BenchmarkAnalyzers.raman, pump: pump, runs: runs,
          settings: InstrumentSession.Settings(), logger: logger))
    }
    let group = ServiceGroup(
      configuration: ServiceGroupConfiguration(
        services: [.init(service: InstrumentSessions(sessions))], logger: logger))
    let cpuStart = ProcessMetrics.cpuSeconds
    let start = ContinuousClock.now
    let stopper = Task {
      try await Task.sleep(for: .seconds(seconds))
      await group.triggerGracefulShutdown()
    }
    try await group.run()
    _ = try? await stopper.value
    let wall = (ContinuousClock.now - start).inSeconds
    let resident = ProcessMetrics.residentMiB
    await pump.finish(timeout: 60)
    let cpu = ProcessMetrics.cpuSeconds - cpuStart
    var completed: [String: UInt64] = [:]
    var dropped: UInt64 = 0
    for (index, session) in sessions.enumerated() {
      completed["raman-\(index)"] = session.summary.acquisitionsCompleted
      dropped += session.summary.acquisitionsDropped
    }
    let collected = timings.withLock { $0 }
    try? FileManager.default.removeItem(atPath: directory)
    return Result(
      completed: completed, dropped: dropped, writtenLatency: collected.written,
      publishedLatency: collected.published, cpuSeconds: cpu, wallSeconds: wall,
      residentMiB: resident)
  }
}
