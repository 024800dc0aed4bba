import Foundation
import Logging
import Monitor
import ServiceLifecycle
import Simulation
import Spool
import Synchronization
import WhitlockCore
import WhitlockCtlKit
import WhitlockDaemon

/// Runs real instrument sessions (simulated instruments → analysis → spool service → disk, and
/// with `monitor` also → monitor bridge → live hub → the monitor's HTTP server on loopback → an
/// SSE client in this process) for a fixed time, recording per-spectrum latencies from the moment
/// each spectrum exists.
final class SessionHarness: Sendable {
  struct Result {
    var completed: [String: UInt64]
    var dropped: UInt64
    /// Spectra per second (all instruments) that ended between the start of measuring and the
    /// shutdown request: the acquisition rate without start-up and shutdown.
    var measuredRate: Double
    /// End of acquisition → `acquisition` event read by the SSE client (monitor runs only).
    var eventLatency: [Double]
    /// Measured spectra whose event never reached the SSE client (monitor runs only).
    var eventsMissing: Int
    var writtenLatency: [Double]
    var publishedLatency: [Double]
    var cpuSeconds: Double
    var wallSeconds: Double
    var residentMiB: Double
  }

  private struct Timings {
    /// Spectra that began after this are measured (the SSE client was connected by then).
    var measureFrom: Date?
    /// Spectra acquired and spectra written to the spool, by instrument.
    var acquired: [String: UInt64] = [:]
    /// Spectra that ended while measuring, until `measureUntil` (the shutdown request).
    var acquiredWhileMeasuring: UInt64 = 0
    var measureUntil: Date?
    var completed: [String: UInt64] = [:]
    /// Measured spectra whose event has not reached the SSE client yet.
    var awaitingEvent: [AcquisitionKey: Date] = [:]
    var endedAt: [UInt64: Date] = [:]
    var event: [Double] = []
    var written: [Double] = []
    var published: [Double] = []
  }

  private let timings = Mutex(Timings())

  func run(
    directory: String, instruments: Int, exposureSeconds: Double, pacing: Double, pixels: Int,
    seconds: Double, monitor: Bool = false
  ) async throws -> Result {
    if !monitor { timings.withLock { $0.measureFrom = Date() } }
    let addressBox = ListeningAddressLogHandler.Box()
    var logger = Logger(label: "bench") { _ in ListeningAddressLogHandler(box: addressBox) }
    logger.logLevel = .notice
    let spool = try SpoolService(
      layout: SpoolLayout(root: directory), limits: SegmentLimits(), backlog: 1_000_000,
      logger: logger,
      onWritten: { [self] record, seq in
        guard case .acquisition(_, let acquisition, _) = record else { return }
        let now = Date()
        timings.withLock {
          $0.completed[acquisition.instrument.id, default: 0] += 1
          guard let from = $0.measureFrom, acquisition.startedAt >= from else { return }
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
    let runs = RunController()
    var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: spool)]
    var bridge: MonitorBridge?
    if monitor {
      let hub = LiveHub(settings: LiveHub.Settings(clientBuffer: 4096))
      let metrics = MonitorMetrics()
      let monitorBridge = MonitorBridge(
        hub: hub, metrics: metrics, runs: runs, spool: spool, instruments: [])
      bridge = monitorBridge
      services.append(
        .init(
          service: MonitorServer(
            settings: MonitorServer.Settings(address: .tcp(host: "127.0.0.1", port: 0)),
            hub: hub, metrics: metrics, backend: monitorBridge, logger: logger)))
    }
    var sessions: [InstrumentSession] = []
    for index in 0..<instruments {
      var settings = SimulatedRamanSettings(
        seed: UInt64(index + 1), serial: "B\(index)", exposureSeconds: exposureSeconds,
        pixelCount: pixels, acquisitionsPerPoint: 10, pacing: pacing)
      settings.stallAfterAcquisitions = nil
      let instrument = TimedInstrument(
        inner: SimulatedRamanInstrument(configuredID: "raman-\(index)", settings: settings),
        onAcquired: { [self] acquisition in
          timings.withLock {
            $0.acquired[acquisition.instrument.id, default: 0] += 1
            if let from = $0.measureFrom, $0.measureUntil == nil, acquisition.endedAt >= from {
              $0.acquiredWhileMeasuring += 1
            }
            guard monitor, let from = $0.measureFrom, acquisition.startedAt >= from else { return }
            let key = AcquisitionKey(
              instrument: acquisition.instrument.id, deviceSequence: acquisition.deviceSequence)
            $0.awaitingEvent[key] = acquisition.endedAt
          }
        })
      sessions.append(
        InstrumentSession(
          instrument: instrument, analyzer: BenchmarkAnalyzers.raman, pump: spool.pump,
          runs: runs, observers: bridge.map { [$0] } ?? [], settings: InstrumentSession.Settings(),
          logger: logger))
    }
    services.append(.init(service: InstrumentSessions(sessions)))
    let group = ServiceGroup(
      configuration: ServiceGroupConfiguration(services: services, logger: logger))
    let cpuStart = ProcessMetrics.cpuSeconds
    let start = ContinuousClock.now
    let client = Task { [self] in
      guard monitor else { return }
      try await readEvents(addressBox: addressBox)
    }
    let stopper = Task {
      try await Task.sleep(for: .seconds(seconds))
      timings.withLock { $0.measureUntil = Date() }
      await group.triggerGracefulShutdown()
    }
    try await group.run()
    _ = try? await stopper.value
    let wall = (ContinuousClock.now - start).inSeconds
    let resident = ProcessMetrics.residentMiB
    let cpu = ProcessMetrics.cpuSeconds - cpuStart
    try await client.value
    let collected = timings.withLock { $0 }
    let dropped = collected.acquired.reduce(0) { total, entry in
      total + entry.value - min(entry.value, collected.completed[entry.key] ?? 0)
    }
    try? FileManager.default.removeItem(atPath: directory)
    return Result(
      completed: collected.completed, dropped: dropped,
      measuredRate: Double(collected.acquiredWhileMeasuring)
        / max(
          1e-9,
          (collected.measureUntil ?? Date()).timeIntervalSince(collected.measureFrom ?? Date())),
      eventLatency: collected.event,
      eventsMissing: collected.awaitingEvent.count, writtenLatency: collected.written,
      publishedLatency: collected.published, cpuSeconds: cpu, wallSeconds: wall,
      residentMiB: resident)
  }

  /// Connects a real HTTP client to the monitor once it has bound its port and reads
  /// `text/event-stream` until the server ends the stream at shutdown, timing every acquisition
  /// event on arrival. Measuring starts with the first event (the client is connected then).
  private func readEvents(addressBox: ListeningAddressLogHandler.Box) async throws {
    var address: String?
    let deadline = ContinuousClock.now + .seconds(30)
    while address == nil {
      guard ContinuousClock.now < deadline else {
        throw HarnessError(description: "the monitor did not report its address")
      }
      try await Task.sleep(for: .milliseconds(5))
      address = addressBox.address.withLock { $0 }
    }
    guard let address, let endpoint = MonitorEndpoint(address) else {
      throw HarnessError(description: "unusable monitor address \(address ?? "")")
    }
    try await withCheckedThrowingContinuation {
      (continuation: CheckedContinuation<Void, any Error>) in
      Thread.detachNewThread { [self] in
        do {
          try MonitorClient(endpoint: endpoint, timeoutSeconds: 60).streamEvents { event in
            let now = Date()
            let key = event.event == "acquisition" ? AcquisitionKey(eventData: event.data) : nil
            timings.withLock { state in
              if state.measureFrom == nil { state.measureFrom = now }
              guard let key, let ended = state.awaitingEvent.removeValue(forKey: key) else {
                return
              }
              state.event.append(now.timeIntervalSince(ended))
            }
            return true
          }
          continuation.resume()
        } catch {
          // The server cutting the stream at shutdown ends a measurement that did take place.
          let connected = timings.withLock { $0.measureFrom != nil }
          if connected { continuation.resume() } else { continuation.resume(throwing: error) }
        }
      }
    }
  }
}

/// Why a benchmark run could not take place.
struct HarnessError: Error, CustomStringConvertible {
  var description: String
}
