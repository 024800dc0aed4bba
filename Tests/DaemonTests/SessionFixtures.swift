import Foundation
import InstrumentFamilies
import Logging
import Monitor
import Spool
import Synchronization
import WhitlockConfiguration
import WhitlockCore
import WhitlockDaemon

/// An instrument whose acquisitions the test decides, one step at a time: a spectrum at once, a
/// spectrum once the test releases it (an exposure in flight), or an exposure that never ends
/// until it is cancelled.
final class ScriptedInstrument: GatesEmissionOnOperatorRuns {
  enum Step: Sendable {
    case spectrum
    case holdUntilReleased
    case hangUntilCancelled
    /// The link goes away mid-acquisition (a transfer fails: the device was unplugged).
    case failDisconnected
  }

  let configuredID: String
  let kind = InstrumentKind.raman

  private struct State {
    var steps: [Step]
    var sequence: UInt64 = 0
    var opens = 0
    var released = false
    /// Opens after the first wait until `releaseOpens` (a device still enumerating).
    var holdingOpens = false
    /// Operator-run news as the session delivered it: (active, generation).
    var emissionNews: [(Bool, UInt64)] = []
  }

  private let state: Mutex<State>

  /// `steps` are taken in order; once they run out every acquisition returns a spectrum.
  init(id: String, steps: [Step]) {
    configuredID = id
    state = Mutex(State(steps: steps))
  }

  /// How often the session opened the instrument.
  var opens: Int { state.withLock { $0.opens } }

  /// Lets the held exposure finish.
  func release() { state.withLock { $0.released = true } }

  /// Makes every open after the first wait until `releaseOpens`.
  func holdOpens() { state.withLock { $0.holdingOpens = true } }

  func releaseOpens() { state.withLock { $0.holdingOpens = false } }

  var identity: InstrumentIdentity {
    InstrumentIdentity(
      id: configuredID, kind: .raman, model: "Scripted", serial: "S-1", family: "scripted")
  }

  func open() async throws -> InstrumentIdentity {
    let opens = state.withLock { state -> Int in
      state.opens += 1
      return state.opens
    }
    while opens > 1 && state.withLock({ $0.holdingOpens }) {
      try await Task.sleep(for: .milliseconds(5))
    }
    return identity
  }

  func acquire() async throws -> Acquisition {
    let step = state.withLock { $0.steps.isEmpty ? Step.spectrum : $0.steps.removeFirst() }
    switch step {
    case .spectrum:
      break
    case .holdUntilReleased:
      while !state.withLock({ $0.released }) {
        // A real device keeps integrating through a shutdown request: not cancellable here.
        try? await Task.sleep(for: .milliseconds(5))
      }
    case .hangUntilCancelled:
      try await Task.sleep(for: .seconds(3600))
    case .failDisconnected:
      throw InstrumentError(.disconnected, "bulk write to 0x1: the device is gone")
    }
    let sequence = state.withLock { state -> UInt64 in
      state.sequence += 1
      return state.sequence
    }
    let now = Date()
    return Acquisition(
      instrument: identity, deviceSequence: sequence, startedAt: now, endedAt: now,
      counts: (0..<64).map { UInt32(100 + $0) },
      axis: .wavelengthPolynomial(coefficients: [800, 0.1], excitationNanometres: 785),
      exposureSeconds: 0.01, fullScale: 65_535)
  }

  func close() async {}

  func operatorRunChanged(active: Bool, generation: UInt64) async {
    state.withLock { $0.emissionNews.append((active, generation)) }
  }

  /// What the newest operator-run news said (a light source would be on when `true`).
  var emissionWanted: Bool? {
    state.withLock { state in state.emissionNews.max { $0.1 < $1.1 }?.0 }
  }
}

/// An analyzer that records only the spectrum's channel count.
struct CountingAnalyzer: SpectrumAnalyzer {
  mutating func analyze(_ acquisition: Acquisition) -> JSONValue {
    .object([
      ("method", .string("counting-test")), ("channels", .int(Int64(acquisition.counts.count))),
    ])
  }
}

/// Every event a session emitted, in order, and a way to wait for one.
final class EventRecorder: SessionObserver {
  private let events = Mutex<[SessionEvent]>([])

  func observe(_ event: SessionEvent, instrument instrumentID: String) {
    events.withLock { $0.append(event) }
  }

  var all: [SessionEvent] { events.withLock { $0 } }

  /// How many recorded events `matches` accepts.
  func count(_ matches: (SessionEvent) -> Bool) -> Int { all.filter(matches).count }

  /// Waits (polling every 5 ms, up to 180 s: a bound for a hung test, far above a loaded
  /// machine's slowest pass) until `condition` holds for the recorded events.
  func wait(until condition: ([SessionEvent]) -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .seconds(180)
    while ContinuousClock.now < deadline {
      if condition(all) { return true }
      try? await Task.sleep(for: .milliseconds(5))
    }
    return condition(all)
  }
}

extension SessionEvent {
  var isAcquisitionStarted: Bool { if case .acquisitionStarted = self { true } else { false } }
  var isAcquired: Bool { if case .acquired = self { true } else { false } }
  var isOpened: Bool { if case .opened = self { true } else { false } }
  var isAcquisitionFailure: Bool { if case .acquisitionFailed = self { true } else { false } }
  var isDeviceRemoval: Bool {
    if case .interrupted(_, .deviceRemoved) = self { true } else { false }
  }
}

/// A session over a `ScriptedInstrument` with everything the daemon gives it: a real spool in a
/// scratch directory, run control, health, and the monitor bridge with its live hub.
struct SessionBench {
  let directory: String
  let spool: SpoolService
  let runs: RunController
  let health = DaemonHealth()
  let hub = LiveHub()
  let metrics = MonitorMetrics()
  let bridge: MonitorBridge
  let recorder = EventRecorder()
  let session: InstrumentSession
  let presence = DevicePresence()

  init(instrument: ScriptedInstrument, shutdownGraceSeconds: Double = 60) throws {
    // Run changes reach the live clients as in the daemon.
    runs = RunController(onTransition: { [hub, metrics] transition in
      MonitorBridge.publishRunChange(transition, hub: hub, metrics: metrics)
    })
    MonitorBridge.publishRunStart(runs.current, hub: hub, metrics: metrics)
    directory =
      FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlock-session-\(UUID().uuidString)").path
    var logger = Logger(label: "session-test")
    logger.logLevel = .critical
    spool = try SpoolService(
      layout: SpoolLayout(root: directory), limits: SegmentLimits(), backlog: 1000, logger: logger)
    let configuration = try ConfigurationLoader.parse(
      """
      [[instrument]]
      id = "\(instrument.configuredID)"
      kind = "raman"
      driver = "simulated"
      exposure_s = 0.01
      """, source: "session-test.toml")
    bridge = MonitorBridge(
      hub: hub, metrics: metrics, runs: runs, spool: spool,
      instruments: configuration.instruments)
    health.register(id: instrument.configuredID, expectedAcquisitionSeconds: 0.01)
    var settings = InstrumentSession.Settings()
    settings.shutdownGraceSeconds = shutdownGraceSeconds
    // Retries of a failed open come quickly; after an unplug only the arrival ends the wait.
    settings.reopenBackoffSeconds = 0.01...3600
    settings.presence = presence
    session = InstrumentSession(
      instrument: instrument, analyzer: { CountingAnalyzer() }, pump: spool.pump, runs: runs,
      observers: [health, bridge, recorder], settings: settings, logger: logger)
  }

  /// The health entry of the one instrument.
  var instrumentHealth: DaemonHealth.Instrument? { health.snapshot.first }

  /// Every record published in `new/` (after `spool.pump.finish()`), parsed.
  func records() throws -> [JSONValue] {
    let new = directory + "/new"
    return try FileManager.default.contentsOfDirectory(atPath: new).sorted().flatMap { name in
      try String(contentsOfFile: new + "/" + name, encoding: .utf8).split(separator: "\n")
        .map { try JSONParser.parse(String($0)) }
    }
  }

  func remove() { try? FileManager.default.removeItem(atPath: directory) }
}
