import Detection
import Foundation
import Logging
import Mapping
import Monitor
import NetworkSettings
import ServiceLifecycle
import Spool
import SpoolShipper
import Synchronization
import WhitlockConfiguration
import WhitlockCore

/// Wires a validated configuration into running services and runs them until SIGTERM or SIGINT.
///
/// Start order is spool, monitor, then instruments; shutdown runs the other way, so the
/// instruments finish their exposures and write their `run-end` records (which live clients still
/// see) before the monitor closes and the spool publishes its last segment.
public struct Daemon: Sendable {
  public let configuration: DaemonConfiguration
  private let spoolOverride: String?

  /// - Parameter spoolOverride: a spool directory that replaces the configured one (`--spool`).
  public init(configuration: DaemonConfiguration, spoolOverride: String? = nil) {
    self.configuration = configuration
    self.spoolOverride = spoolOverride
  }

  /// Runs until a graceful shutdown completes; throws when start-up fails.
  public func run(logger: Logger) async throws {
    // The soft descriptor limit is often 1024; raised to the hard one so that the monitor's
    // connection cap has room beside the spool (see `ConnectionLimits`).
    let descriptors = DescriptorLimit.raiseToHardLimit()
    let token = try configuration.monitor.tokenFile.map { try BearerToken(contentsOf: $0) }
    let readToken = try configuration.monitor.readTokenFile.map {
      try BearerToken(contentsOf: $0)
    }
    if let token, let readToken, token.sameSecret(as: readToken) {
      throw BearerToken.Refusal(
        description:
          "\(configuration.monitor.readTokenFile ?? "") holds the run-control token; the read "
          + "token must differ, or it opens run control")
    }
    let layout = SpoolLayout(root: spoolOverride ?? configuration.spool.path)
    let metrics = MonitorMetrics()
    let writtenRecords = WrittenRecordRelay()
    let spool = try SpoolService(
      layout: layout, limits: configuration.spool.limits,
      backlog: configuration.spool.backlogRecords, logger: logger,
      onWritten: { record, _ in
        metrics.recordSpoolLag(seconds: record.age)
        writtenRecords.written(record)
      })
    let hub = LiveHub(
      settings: configuration.monitor.hub,
      onClientDropped: { [metrics] in metrics.sseClientsDropped.increment() })
    let runs = RunController(onTransition: { [hub, metrics] transition in
      MonitorBridge.publishRunChange(transition, hub: hub, metrics: metrics)
    })
    let shipper = try configuration.ship.map { ship in
      try Self.makeShipper(ship, layout: layout, logger: logger)
    }
    let stage = configuration.stage.map(ConfiguredStage.init)
    let maps = MapService(
      stage: stage?.stage, settings: Self.mapSettings(configuration), pump: spool.pump,
      layout: layout, runs: runs,
      instruments: configuration.instruments.map(Self.provisionalIdentity),
      publish: { [hub, metrics] value in
        hub.publish(.map, value, snapshotKey: "map")
        metrics.sseEvents.increment()
      }, logger: logger)
    writtenRecords.forward(to: maps)
    let bridge = MonitorBridge(
      hub: hub, metrics: metrics, runs: runs, spool: spool,
      instruments: configuration.instruments, noInstrumentAdvice: configuration.noInstrumentAdvice,
      shipper: shipper?.status, maps: maps)
    let run = runs.current
    MonitorBridge.publishRunStart(run, hub: hub, metrics: metrics)
    logger.info(
      "whitlockd starting",
      metadata: [
        "config": "\(configuration.source)", "spool": "\(layout.root)", "run_id": "\(run.runID)",
        "instruments": "\(configuration.instruments.map(\.id).joined(separator: ","))",
        "detector_kernels": "\(DetectorKernels.active.rawValue)",
        "descriptor_limit": "\(descriptors)",
      ])
    if let advice = configuration.noInstrumentAdvice {
      logger.warning("\(advice); nothing is acquired or spooled until then")
    }
    let health = DaemonHealth()
    let fusion = FusionHub(runs: runs, settings: configuration.detection.fusion)
    var sessions: [InstrumentSession] = []
    var routes: [HotplugRouter.Route] = []
    for instrumentConfiguration in configuration.instruments {
      health.register(
        id: instrumentConfiguration.id,
        expectedAcquisitionSeconds: instrumentConfiguration.exposureSeconds)
      var settings = InstrumentSession.Settings()
      settings.shutdownGraceSeconds = configuration.shutdownGraceSeconds
      settings.configurationRecord = instrumentConfiguration.record
      settings.runEndFusion = { runID in fusion.summary(run: runID) }
      settings.acquisitionChain = instrumentConfiguration.acquisitionChain
      settings.mapSlots = maps.desk
      settings.axisCalibration = configuration.axisCalibration
      settings.stateDirectory = layout.root
      let requirement = instrumentConfiguration.deviceRequirement
      if requirement != .none {
        let presence = DevicePresence()
        settings.presence = presence
        routes.append(
          .init(
            instrumentID: instrumentConfiguration.id, requirement: requirement, presence: presence))
      }
      let session = InstrumentSession(
        instrument: instrumentConfiguration.makeInstrument(
          stateDirectory: layout.root, stagePosition: stage?.simulatedPosition),
        analyzer: AnalyzerFactory.make(
          kind: instrumentConfiguration.kind, configuration: configuration.detection,
          fusion: fusion, axisCalibration: configuration.axisCalibration,
          intensityCalibration: configuration.intensityCalibration),
        pump: spool.pump, runs: runs, observers: [health, bridge, maps], settings: settings,
        logger: logger)
      bridge.darks.register(session, for: instrumentConfiguration.id)
      bridge.calibrations.register(session, for: instrumentConfiguration.id)
      sessions.append(session)
    }
    var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
      .init(service: spool),
      .init(service: MemoryTrimService(), successTerminationBehavior: .ignore),
    ]
    if let shipper {
      // After the spool, so that it stops before the spool publishes its last segment; that
      // segment is shipped on the next start.
      services.append(.init(service: ShipperService(shipper: shipper)))
    }
    if configuration.monitor.enabled {
      var monitorSettings = MonitorServer.Settings(
        address: configuration.monitor.address, token: token)
      monitorSettings.shutdownGraceSeconds = 0.5
      monitorSettings.allowedHosts = configuration.monitor.allowedHosts
      monitorSettings.limits = configuration.monitor.limits
      monitorSettings.readToken = readToken
      services.append(
        .init(
          service: MonitorServer(
            settings: monitorSettings, hub: hub, metrics: metrics, backend: bridge,
            logger: logger)))
    }
    if stage != nil {
      // Before the sessions, so that it stops after them: a map in flight hears of the
      // shutdown through its sessions first.
      services.append(.init(service: maps, successTerminationBehavior: .ignore))
    }
    let router = HotplugRouter(routes: routes, logger: logger)
    if router.isNeeded {
      // Before the sessions, so that it stops after them and wakes them until the end.
      services.append(.init(service: router, successTerminationBehavior: .ignore))
    }
    services.append(
      .init(
        service: InstrumentSessions(sessions), successTerminationBehavior: .gracefullyShutdownGroup
      ))
    // Last, so that it is the first to hear of a shutdown and sends STOPPING=1 at once.
    services.append(
      .init(
        service: SystemdService(
          notifier: SystemdNotifier(), health: health, pump: spool.pump,
          stallMarginSeconds: configuration.stallTimeoutSeconds,
          idleAdvice: configuration.noInstrumentAdvice, logger: logger)))
    let group = ServiceGroup(
      configuration: ServiceGroupConfiguration(
        services: services,
        gracefulShutdownSignals: [.sigterm, .sigint],
        logger: logger))
    try await group.run()
    logger.info("whitlockd stopped")
  }

  /// The map service's settings from `[stage]` and the instruments' exposures (the demo map).
  static func mapSettings(_ configuration: DaemonConfiguration) -> MapService.Settings {
    var settings = MapService.Settings()
    guard let stage = configuration.stage else { return settings }
    settings.settleTimeout = .seconds(stage.settleTimeoutSeconds)
    settings.demoSide = stage.demoMapSide
    settings.demoSquare = ConfiguredStage.demoSquare
    let exposure = { (kind: InstrumentKind) in
      configuration.instruments.first { $0.kind == kind }?.exposureSeconds
    }
    settings.demoExposures = ScanExposures(
      ramanSeconds: exposure(.raman), xrfSeconds: exposure(.xrf))
    return settings
  }

  /// The identity a map record names for an instrument that has not opened yet.
  static func provisionalIdentity(_ instrument: InstrumentConfiguration) -> InstrumentIdentity {
    InstrumentIdentity(
      id: instrument.id, kind: instrument.kind, model: instrument.driver.rawValue, serial: "",
      family: instrument.driver.rawValue)
  }

  /// The shipper of `[ship]`, with its password read now so that a bad file stops start-up.
  private static func makeShipper(
    _ ship: ShipConfiguration, layout: SpoolLayout, logger: Logger
  ) throws -> SpoolShipper {
    let password = try ship.passwordFile.map { file in try PasswordFile.read(file) }
    var settings = ShipperSettings(
      spool: layout, target: PostgresTarget(url: ship.url, password: password))
    settings.disposal = ship.disposal
    settings.pollInterval = .seconds(ship.pollIntervalSeconds)
    settings.operationDeadline = .seconds(ship.deadlineSeconds)
    settings.backoff = Backoff(
      initial: min(.milliseconds(500), .seconds(ship.retryMaxSeconds)),
      maximum: .seconds(ship.retryMaxSeconds))
    return SpoolShipper(settings: settings, logger: logger)
  }
}

extension SpoolRecord {
  /// Seconds from the moment the record describes (end of exposure, run event) until now.
  fileprivate var age: Double {
    let time: Date
    switch self {
    case .acquisition(_, let acquisition, _): time = acquisition.endedAt
    case .runStart(_, _, _, let at), .runEnd(_, _, _, let at), .mapPlan(_, _, _, let at),
      .mapEnd(_, _, _, let at), .calibration(_, _, _, let at):
      time = at
    case .dark(_, let dark): time = dark.takenAt
    }
    return Date().timeIntervalSince(time)
  }
}

/// Hands records the spool writer has written to the map service, which is made after the spool.
final class WrittenRecordRelay: Sendable {
  private let target = Mutex<MapService?>(nil)

  func forward(to maps: MapService) { target.withLock { $0 = maps } }

  func written(_ record: SpoolRecord) {
    switch record {
    case .mapPlan: target.withLock { $0 }?.recordWritten(record)
    default: break
    }
  }
}
