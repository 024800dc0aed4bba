import Foundation
import Logging
import Mapping
import PriorProScan
import Simulation
import Spool
import Synchronization
import TextTables
import Transports
import WhitlockConfiguration
import WhitlockCore
import WhitlockDaemon

/// `whitlock-stage-bench --through-daemon`: a map run by the daemon's map service, as `whitlockd`
/// runs it: the ProScan driver over a pseudo-terminal to the emulator, the simulated Raman
/// instrument in an `InstrumentSession` taking each slot (real-time exposures), the detector
/// analysing every spectrum and the spool writing every record.
///
/// A point's overhead is the time from its move command to the next point's, minus the exposure
/// and minus the modelled move time of its step: settling reads, the slot's way to the session
/// and back, the session's bookkeeping, the scheduling of all of it. The budget is the modelled
/// move time + 20 ms, i.e. an overhead of at most 20 ms.
enum DaemonMapBench {
  /// A stage that notes when each move is commanded.
  final class TimedStage: MotorizedStage {
    let inner: any MotorizedStage
    private let moves = Mutex<[ContinuousClock.Instant]>([])

    init(_ inner: any MotorizedStage) { self.inner = inner }

    var commanded: [ContinuousClock.Instant] { moves.withLock { $0 } }
    var name: String { inner.name }
    var staleBytesAtLastOpen: Int { get async { await inner.staleBytesAtLastOpen } }
    func open() async throws(StageError) -> StageIdentity { try await inner.open() }
    func moveAbsolute(to target: StagePosition) async throws(StageError) {
      moves.withLock { $0.append(.now) }
      try await inner.moveAbsolute(to: target)
    }
    func waitUntilSettled(timeout: Duration) async throws(StageError) -> StagePosition {
      try await inner.waitUntilSettled(timeout: timeout)
    }
    func position() async throws(StageError) -> StagePosition { try await inner.position() }
    func stop() async throws(StageError) { try await inner.stop() }
    func close() async { await inner.close() }
  }

  static func run(size: Int, step: Double, exposure: Double) async throws -> String {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlock-stage-bench-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var logger = Logger(label: "stage-bench")
    logger.logLevel = .error
    let layout = SpoolLayout(root: directory)
    let relay = Mutex<MapService?>(nil)
    let spool = try SpoolService(
      layout: layout, limits: SegmentLimits(), backlog: 20_000, logger: logger,
      onWritten: { record, _ in relay.withLock { $0 }?.recordWritten(record) })
    let runs = RunController()

    let pty = try PseudoTerminal()
    let emulator = ProScanEmulatorSettings()
    let serving = Task {
      var server = LineDeviceServer(device: ProScanEmulator(settings: emulator))
      _ = await server.serve(pty)
    }
    let path = pty.devicePath
    let stage = TimedStage(
      ProScanStage(name: "bench") { try SerialPort.open(path: path, baudRate: 9600) })

    let instrument = SimulatedRamanInstrument(
      configuredID: "r1", settings: SimulatedRamanSettings(exposureSeconds: exposure))
    let maps = MapService(
      stage: stage, settings: MapService.Settings(), pump: spool.pump, layout: layout, runs: runs,
      instruments: [
        InstrumentIdentity(id: "r1", kind: .raman, model: "sim", serial: "", family: "simulated")
      ], publish: { _ in }, logger: logger)
    relay.withLock { $0 = maps }
    var settings = InstrumentSession.Settings()
    settings.mapSlots = maps.desk
    let session = InstrumentSession(
      instrument: instrument,
      analyzer: AnalyzerFactory.make(kind: .raman, configuration: DetectionConfiguration()),
      pump: spool.pump, runs: runs, observers: [maps], settings: settings, logger: logger)
    let tasks = [Task { await session.runSession() }, Task { _ = try? await maps.run() }]

    let plan = try ScanPlan(
      id: "bench-\(UUID().uuidString.prefix(8))",
      region: .rectangle(
        origin: StagePosition(x: 1000, y: 1000), width: Double(size - 1) * step,
        height: Double(size - 1) * step),
      step: step, exposures: ScanExposures(ramanSeconds: exposure))
    // The service first reads the (empty) spool for unfinished maps.
    while !maps.hasReadSpool { try await Task.sleep(for: .milliseconds(5)) }
    let started = ContinuousClock.now
    _ = try maps.start(plan)
    while (try? maps.current()["state"]?.stringValue) != "complete" {
      try await Task.sleep(for: .milliseconds(50))
    }
    let total = ContinuousClock.now - started
    for task in tasks {
      task.cancel()
      await task.value
    }
    serving.cancel()
    await pty.close()
    await spool.pump.finish()

    // Point i's share: from its move command to the next one.
    let commanded = stage.commanded
    let points = plan.grid.points.map(\.position)
    let motion = StageAxisMotion(speed: emulator.topSpeed, acceleration: emulator.topAcceleration)
    var overheads: [Double] = []
    var modelled: [Double] = []
    for index in 1..<(min(commanded.count, points.count) - 1) {
      let move = StageMove(
        from: points[index - 1], to: points[index], startedAt: .now, x: motion, y: motion)
      let interval = seconds(commanded[index + 1] - commanded[index])
      overheads.append((interval - exposure - move.seconds) * 1000)
      modelled.append(move.seconds * 1000)
    }
    overheads.sort()
    func format(_ value: Double) -> String { String(format: "%.1f", value) }
    let median = overheads[overheads.count / 2]
    let p95 = overheads[min(overheads.count - 1, Int(Double(overheads.count) * 0.95))]
    let within = overheads.filter { $0 <= 20 }.count
    var table = TextTable(
      title:
        "\(points.count) points, step \(step) µm, Raman \(exposure) s per point, through the map "
        + "service (ProScan emulator over a pseudo-terminal, simulated Raman, detector, spool)",
      layout: .figures,
      headers: [
        "modelled move ms", "median overhead ms", "p95 overhead ms", "max overhead ms",
        "points ≤ 20 ms", "map s",
      ])
    table.add([
      format(modelled.reduce(0, +) / Double(modelled.count)), format(median), format(p95),
      format(overheads.last ?? 0), "\(within)/\(overheads.count)", format(seconds(total)),
    ])
    return table.render()
  }

  static func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
  }
}
