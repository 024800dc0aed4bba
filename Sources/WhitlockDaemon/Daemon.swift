import Foundation
import Logging
import ServiceLifecycle
import Spool
import WhitlockCore

/// Wires a validated configuration into running services and runs them until SIGTERM or SIGINT.
///
/// Start order is spool, then instruments; shutdown runs the other way, so the instruments finish
/// their exposures and write their `run-end` records before the spool publishes its last segment.
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
    let layout = SpoolLayout(root: spoolOverride ?? configuration.spool.path)
    let spool = try SpoolService(
      layout: layout, limits: configuration.spool.limits,
      backlog: configuration.spool.backlogRecords, logger: logger)
    let run = RunContext(runID: UUID().uuidString.lowercased(), startedAt: Date())
    logger.info(
      "whitlockd starting",
      metadata: [
        "config": "\(configuration.source)", "spool": "\(layout.root)", "run_id": "\(run.runID)",
        "instruments": "\(configuration.instruments.map(\.id).joined(separator: ","))",
      ])
    let fusion = FusionHub(runID: run.runID, settings: configuration.detection.fusion)
    var sessions: [InstrumentSession] = []
    for instrumentConfiguration in configuration.instruments {
      var settings = InstrumentSession.Settings()
      settings.shutdownGraceSeconds = configuration.shutdownGraceSeconds
      settings.configurationRecord = instrumentConfiguration.record(
        detection: configuration.detection)
      settings.runEndFusion = { fusion.summary() }
      sessions.append(
        InstrumentSession(
          instrument: InstrumentFactory.make(instrumentConfiguration),
          analyzer: AnalyzerFactory.make(
            kind: instrumentConfiguration.kind, configuration: configuration.detection,
            fusion: fusion),
          pump: spool.pump, run: run, settings: settings, logger: logger))
    }
    let group = ServiceGroup(
      configuration: ServiceGroupConfiguration(
        services: [
          .init(service: spool),
          .init(
            service: InstrumentSessions(sessions),
            successTerminationBehavior: .gracefullyShutdownGroup),
        ],
        gracefulShutdownSignals: [.sigterm, .sigint],
        logger: logger))
    try await group.run()
    logger.info("whitlockd stopped")
  }
}
