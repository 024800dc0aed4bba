import Logging
import ServiceLifecycle
import Spool

/// Tells systemd the truth about the daemon: `READY=1` once the spool is usable and every
/// instrument is open or waiting for its device, `STATUS=` lines as things change, `WATCHDOG=1`
/// only while acquisitions are making progress, and `STOPPING=1` when shutdown begins.
///
/// It is the last service in the group, so it is the first to hear of a graceful shutdown.
public struct SystemdService: Service {
  private let notifier: SystemdNotifier
  private let health: DaemonHealth
  private let pump: SpoolPump
  private let stallMarginSeconds: Double
  private let idleAdvice: String?
  private let logger: Logger

  /// - Parameter stallMarginSeconds: how far past its expected duration an acquisition may run
  ///   before the pipeline counts as stuck and the watchdog pings stop.
  /// - Parameter idleAdvice: what `STATUS=` says when no instrument is configured (the file to
  ///   edit); `nil` when there are instruments.
  public init(
    notifier: SystemdNotifier, health: DaemonHealth, pump: SpoolPump, stallMarginSeconds: Double,
    idleAdvice: String? = nil, logger: Logger
  ) {
    self.notifier = notifier
    self.health = health
    self.pump = pump
    self.stallMarginSeconds = stallMarginSeconds
    self.idleAdvice = idleAdvice
    self.logger = logger
  }

  public func run() async throws {
    await cancelWhenGracefulShutdown { await self.superviseUntilCancelled() }
    notifier.notify("STOPPING=1\nSTATUS=stopping: finishing acquisitions and publishing the spool")
    logger.info("shutdown requested")
  }

  private func superviseUntilCancelled() async {
    let tick = min(notifier.watchdogInterval ?? .seconds(1), .seconds(1))
    var ready = false
    var lastStatus = ""
    var reportedStuck: Set<String> = []
    let readyDeadline = ContinuousClock.now + .seconds(15)
    while !Task.isCancelled {
      if !ready && (health.isSettled || ContinuousClock.now >= readyDeadline) {
        ready = true
        notifier.notify("READY=1\nSTATUS=" + status())
        logger.info("ready", metadata: ["status": "\(status())"])
      }
      let stuck = health.stuck(now: .now, margin: stallMarginSeconds)
      for entry in stuck where !reportedStuck.contains(entry.id) {
        logger.critical(
          "acquisition pipeline stuck; withholding watchdog pings so systemd restarts whitlockd",
          metadata: ["instrument": "\(entry.id)", "in_flight": "\(entry.for)"])
      }
      reportedStuck = Set(stuck.map(\.id))
      if ready && stuck.isEmpty && notifier.watchdogInterval != nil {
        notifier.notify("WATCHDOG=1")
      }
      let current = status()
      if ready && current != lastStatus {
        notifier.notify("STATUS=" + current)
        lastStatus = current
      }
      try? await Task.sleep(for: tick)
    }
  }

  private func status() -> String {
    if let idleAdvice { return idleAdvice }
    let counters = pump.counters
    return health.statusLine
      + "; spool \(counters.written) records, \(counters.segmentsPublished) segments, backlog \(counters.backlog)"
  }
}
