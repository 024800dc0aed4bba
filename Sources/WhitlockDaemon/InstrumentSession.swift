import Foundation
import Logging
import ServiceLifecycle
import Spool
import Synchronization
import WhitlockCore

/// Drives one instrument for the daemon's lifetime: open, acquire continuously, analyse, spool.
///
/// Acquisition and analysis run as two tasks joined by a bounded queue, so a slow analysis does
/// not delay the next exposure until the queue is full; then acquisition waits for room
/// (`AnalysisQueueRoom`) rather than acquire a spectrum it would have to drop, and the wait is
/// logged and counted in `whitlock_acquisition_waits_total`. On graceful shutdown the acquisition in flight is
/// allowed to finish within the grace period, then aborted and counted as interrupted; queued
/// spectra are analysed and spooled before the session writes its `run-end`.
///
/// Runs can change while the session works: each acquisition is tagged with the `RunController`'s
/// current run when it starts, and the analysis task writes `run-end` for the old run and
/// `run-start` for the new one when the tag changes, so every run's records are complete and in
/// order.
public final class InstrumentSession: Sendable {
  /// Tunables of a session.
  public struct Settings: Sendable {
    /// How long an exposure in flight may run on after shutdown is requested.
    public var shutdownGraceSeconds: Double = 2.5
    /// Spectra waiting for analysis before acquisition waits for room.
    public var analysisQueueCapacity: Int = 256
    /// First and longest wait between attempts to open a device that failed.
    public var reopenBackoffSeconds: ClosedRange<Double> = 0.5...10
    /// How the instrument was configured, recorded in `run-start`.
    public var configurationRecord: JSONValue = .object([])
    /// Extra run-level results for `run-end` (the fused whitlockite summary), read at run end.
    public var runEndFusion: (@Sendable (_ runID: String) -> JSONValue?)? = nil
    /// Hotplug news of the instrument's device: arrivals cut the reopen back-off short, a
    /// removal stops the acquisition in flight. `nil` for instruments without a device.
    public var presence: DevicePresence? = nil

    public init() {}
  }

  private let instrument: any Instrument
  private let makeAnalyzer: SpectrumAnalyzerFactory
  private let pump: SpoolPump
  private let runs: RunController
  private let observer: (any SessionObserver)?
  private let settings: Settings
  private let logger: Logger
  private let health: DaemonHealth?
  /// Tallies by run id: acquisitions are counted in the run they were tagged with.
  private let tallies = Mutex([String: RunSummary]())
  /// The run whose `run-start` this session wrote last.
  private let announced = Mutex<RunContext?>(nil)
  /// Spectra waiting for analysis.
  private let queueDepth = Atomic(0)

  public init(
    instrument: any Instrument, analyzer: @escaping SpectrumAnalyzerFactory, pump: SpoolPump,
    runs: RunController, observer: (any SessionObserver)? = nil, settings: Settings,
    logger: Logger, health: DaemonHealth? = nil
  ) {
    self.health = health
    self.instrument = instrument
    self.makeAnalyzer = analyzer
    self.pump = pump
    self.runs = runs
    self.observer = observer
    self.settings = settings
    var logger = logger
    logger[metadataKey: "instrument"] = "\(instrument.configuredID)"
    self.logger = logger
  }

  /// The tally of the run the session is in.
  public var summary: RunSummary {
    let run = announced.withLock { $0 } ?? runs.current
    return tallies.withLock { $0[run.runID] } ?? RunSummary(reason: "shutdown")
  }

  /// Names the bytes an open drained: a killed predecessor's unfinished acquisition.
  private func logStaleBytes() async {
    guard let draining = instrument as? any DrainsStaleRepliesAtOpen else { return }
    let bytes = await draining.staleBytesAtLastOpen
    guard bytes > 0 else { return }
    logger.notice(
      "dropped stale replies at open; a previous client left them unread",
      metadata: ["stale_bytes": "\(bytes)"])
  }

  private func count(_ run: RunContext, _ update: (inout RunSummary) -> Void) {
    tallies.withLock { update(&$0[run.runID, default: RunSummary(reason: "shutdown")]) }
  }

  /// Runs until graceful shutdown or cancellation.
  public func runSession() async {
    defer { observer?.instrumentStateChanged(instrument.configuredID, .closed) }
    guard let identity = await openWithRetry() else { return }
    let firstRun = runs.current
    announce(firstRun, instrument: identity)
    let (spectra, queue) = AsyncStream.makeStream(
      of: (Acquisition, RunContext).self,
      bufferingPolicy: .bufferingOldest(settings.analysisQueueCapacity))
    let room = AnalysisQueueRoom(capacity: settings.analysisQueueCapacity)
    await withTaskGroup(of: Void.self) { group in
      group.addTask {
        await self.acquireContinuously(identity: identity, into: queue, room: room)
        queue.finish()
      }
      group.addTask {
        await self.analyseAndSpool(spectra, room: room)
        room.close()
      }
    }
    await instrument.close()
    health?.update(instrument.configuredID) { $0.state = .stopped }
    let run = announced.withLock { $0 } ?? firstRun
    let summary = endRun(run, reason: "shutdown", instrument: identity)
    logger.info(
      "session ended",
      metadata: [
        "completed": "\(summary.acquisitionsCompleted)",
        "spooled": "\(summary.acquisitionsSpooled)",
        "interrupted": "\(summary.acquisitionsInterrupted)",
        "dropped": "\(summary.acquisitionsDropped)", "errors": "\(summary.errors)",
      ])
  }

  private var shouldStop: Bool { Task.isCancelled || Task.isShuttingDownGracefully }

  private func announce(_ run: RunContext, instrument identity: InstrumentIdentity) {
    announced.withLock { $0 = run }
    pump.submit(
      .runStart(
        run: run, instrument: identity, settings: settings.configurationRecord, time: Date()))
  }

  /// Writes the `run-end` of `run` with its tally and forgets the tally.
  @discardableResult
  private func endRun(_ run: RunContext, reason: String, instrument identity: InstrumentIdentity)
    -> RunSummary
  {
    var summary = tallies.withLock { $0.removeValue(forKey: run.runID) } ?? RunSummary(reason: "")
    summary.reason = reason
    summary.fusion = settings.runEndFusion?(run.runID)
    pump.submit(.runEnd(run: run, instrument: identity, summary: summary, time: Date()))
    return summary
  }

  private func openWithRetry() async -> InstrumentIdentity? {
    var delay = settings.reopenBackoffSeconds.lowerBound
    while !shouldStop {
      let arrivals = settings.presence?.generation(.arrived) ?? 0
      observer?.instrumentStateChanged(instrument.configuredID, .opening)
      do {
        let identity: InstrumentIdentity
        do { identity = try await instrument.open() } catch {
          await logStaleBytes()
          throw error
        }
        await logStaleBytes()
        health?.update(instrument.configuredID) {
          $0.state = .acquiring
          $0.lastError = nil
        }
        observer?.instrumentStateChanged(instrument.configuredID, .open(identity))
        logger.info(
          "instrument opened",
          metadata: [
            "model": "\(identity.model)", "serial": "\(identity.serial)",
            "family": "\(identity.family)",
          ])
        return identity
      } catch {
        count(runs.current) { $0.errors += 1 }
        observer?.errorOccurred(instrument.configuredID, error)
        observer?.instrumentStateChanged(instrument.configuredID, .failed("\(error)"))
        logger.error(
          "cannot open instrument; retrying",
          metadata: ["error": "\(error)", "retry_s": "\(delay)"])
        await instrument.close()
        health?.update(instrument.configuredID) { $0.state = .waitingForDevice }
        switch await backOff(seconds: delay, arrivalsSeen: arrivals) {
        case .stopping: return nil
        case .elapsed: delay = min(delay * 2, settings.reopenBackoffSeconds.upperBound)
        case .deviceArrived:
          logger.info("device appeared; opening now")
          delay = settings.reopenBackoffSeconds.lowerBound
        }
      }
    }
    return nil
  }

  private enum BackOffEnd: Sendable {
    case elapsed
    case deviceArrived
    case stopping
  }

  /// Sleeps `seconds`, cut short when the device arrives (an arrival newer than
  /// `arrivalsSeen`), shutdown starts or the task is cancelled.
  private func backOff(seconds: Double, arrivalsSeen: UInt64) async -> BackOffEnd {
    let presence = settings.presence
    let end = await cancelWhenGracefulShutdown { () async -> BackOffEnd in
      await withTaskGroup(of: BackOffEnd.self) { group in
        group.addTask {
          (try? await Task.sleep(for: .seconds(seconds))) != nil ? .elapsed : .stopping
        }
        if let presence {
          group.addTask {
            await presence.wait(for: .arrived, after: arrivalsSeen) ? .deviceArrived : .stopping
          }
        }
        let first = await group.next() ?? .stopping
        group.cancelAll()
        return first
      }
    }
    return shouldStop ? .stopping : end
  }

  /// Takes a place in the analysis queue for the next acquisition, waiting while analysis is
  /// behind: counted every time, logged at most once a minute. False when the session stops.
  private func waitForRoom(_ room: AnalysisQueueRoom, waits: inout WaitReport) async -> Bool {
    if !room.hasRoom {
      observer?.acquisitionWaitedForAnalysis(instrument.configuredID)
      waits.count += 1
      let now = ContinuousClock.now
      if waits.lastNotice.map({ now - $0 >= .seconds(60) }) ?? true {
        logger.notice(
          "analysis queue full; acquisition waits for the detector instead of dropping spectra",
          metadata: [
            "queue_capacity": "\(settings.analysisQueueCapacity)",
            "waits_since_last_notice": "\(waits.count)",
          ])
        waits.lastNotice = now
        waits.count = 0
      }
    }
    guard await room.take() else { return false }
    if shouldStop {
      room.give()
      return false
    }
    return true
  }

  /// How often acquisition waited for analysis since it was last logged.
  private struct WaitReport {
    var count = 0
    var lastNotice: ContinuousClock.Instant?
  }

  private func acquireContinuously(
    identity: InstrumentIdentity, into queue: AsyncStream<(Acquisition, RunContext)>.Continuation,
    room: AnalysisQueueRoom
  ) async {
    // Removals counted from the moment the device is open, so one that falls between two
    // acquisitions still ends the next.
    var removalsSeen = settings.presence?.generation(.removed) ?? 0
    var linkSeen: [String: Int64] = [:]
    var waits = WaitReport()
    while !shouldStop {
      guard await waitForRoom(room, waits: &waits) else { break }
      var placeUsed = false
      defer { if !placeUsed { room.give() } }
      health?.update(instrument.configuredID) { $0.acquiringSince = .now }
      let run = runs.current
      let outcome = await acquireOnce(removalsSeen: removalsSeen)
      health?.update(instrument.configuredID) {
        $0.acquiringSince = nil
        if case .completed = outcome { $0.completed += 1 }
      }
      switch outcome {
      case .completed(let acquisition):
        count(run) { $0.acquisitionsCompleted += 1 }
        logLineTrouble(acquisition, since: &linkSeen)
        queueDepth.add(1, ordering: .relaxed)
        placeUsed = true
        if case .dropped = queue.yield((acquisition, run)) {
          // Not reached while every queued spectrum holds a place; kept so that an overflow
          // could never pass uncounted.
          placeUsed = false
          queueDepth.subtract(1, ordering: .relaxed)
          count(run) { $0.acquisitionsDropped += 1 }
          observer?.acquisitionDropped(instrument.configuredID)
          logger.warning(
            "analysis queue full; spectrum dropped",
            metadata: ["device_seq": "\(acquisition.deviceSequence)"])
        }
      case .interrupted:
        count(run) { $0.acquisitionsInterrupted += 1 }
        logger.notice("acquisition in flight interrupted by shutdown")
        return
      case .deviceLost(let arrivalsSeen):
        count(run) { $0.acquisitionsInterrupted += 1 }
        health?.update(instrument.configuredID) { $0.state = .waitingForDevice }
        observer?.instrumentStateChanged(instrument.configuredID, .waitingForDevice)
        logger.warning("device removed; acquisition in flight interrupted, waiting for it")
        await instrument.close()
        let waited = await backOff(
          seconds: settings.reopenBackoffSeconds.upperBound, arrivalsSeen: arrivalsSeen)
        removalsSeen = settings.presence?.generation(.removed) ?? 0
        guard waited != .stopping, await openWithRetry() != nil else { return }
      case .failed(let error):
        // A link that went away mid-acquisition (a serial device unplugged, with no udev
        // presence to report it) interrupted the acquisition in flight: tallied as such, unless
        // the device finishes it and delivers it after the reopen.
        let gone =
          (error as? InstrumentError)?.category == .disconnected
          && !(instrument is any RecoversAcquisitionAfterReconnect)
        count(run) {
          $0.errors += 1
          if gone { $0.acquisitionsInterrupted += 1 }
        }
        observer?.errorOccurred(instrument.configuredID, error)
        observer?.instrumentStateChanged(instrument.configuredID, .failed("\(error)"))
        logger.error("acquisition failed; reopening instrument", metadata: ["error": "\(error)"])
        await instrument.close()
        removalsSeen = settings.presence?.generation(.removed) ?? 0
        linkSeen = [:]
        guard await openWithRetry() != nil else { return }
      }
    }
  }

  /// Logs the line faults a driver survived during `acquisition` (the increase of its cumulative
  /// `link_*` parameters since the device was opened): retries and resynchronisations keep the
  /// data flowing, but a noisy line should be visible before it breaks.
  private func logLineTrouble(_ acquisition: Acquisition, since seen: inout [String: Int64]) {
    var increments: Logger.Metadata = [:]
    for (name, value) in acquisition.parameters where name.hasPrefix("link_") {
      guard let number = value.doubleValue.map({ Int64($0) }) else { continue }
      let kind = String(name.dropFirst(5))
      let increase = number - (seen[kind] ?? 0)
      seen[kind] = number
      if increase > 0 { increments[kind] = "\(increase)" }
    }
    guard !increments.isEmpty else { return }
    increments["device_seq"] = "\(acquisition.deviceSequence)"
    logger.warning("line trouble survived", metadata: increments)
  }

  private enum Outcome: Sendable {
    case completed(Acquisition)
    case interrupted
    /// The device was unplugged; carries the arrival generation seen before the removal.
    case deviceLost(arrivalsSeen: UInt64)
    case failed(any Error)
  }

  /// One acquisition that may run on for the grace period after shutdown starts, then is aborted.
  private func acquireOnce(removalsSeen removals: UInt64) async -> Outcome {
    let grace = settings.shutdownGraceSeconds
    let instrument = self.instrument
    let presence = settings.presence
    return await withTaskGroup(of: Outcome?.self) { group in
      group.addTask {
        do { return .completed(try await instrument.acquire()) } catch is CancellationError {
          return .interrupted
        } catch { return .failed(error) }
      }
      group.addTask {
        // Resolves only when shutdown starts and the grace period has passed.
        do {
          try await gracefulShutdown()
          try await Task.sleep(for: .seconds(grace))
          return .interrupted
        } catch { return nil }
      }
      if let presence {
        group.addTask {
          guard await presence.wait(for: .removed, after: removals) else { return nil }
          return .deviceLost(arrivalsSeen: presence.generation(.arrived))
        }
      }
      var result: Outcome = .interrupted
      while let next = await group.next() {
        if let next {
          result = next
          break
        }
      }
      group.cancelAll()
      return result
    }
  }

  private func analyseAndSpool(
    _ spectra: AsyncStream<(Acquisition, RunContext)>, room: AnalysisQueueRoom
  ) async {
    var analyzer = makeAnalyzer()
    let clock = ContinuousClock()
    for await (acquisition, run) in spectra {
      let depth = queueDepth.subtract(1, ordering: .relaxed).newValue
      room.give()
      if let previous = announced.withLock({ $0 }), previous.runID != run.runID {
        endRun(
          previous, reason: runs.endReason(of: previous.runID) ?? "new-run",
          instrument: acquisition.instrument)
        announce(run, instrument: acquisition.instrument)
      }
      let started = clock.now
      let detection = analyzer.analyze(acquisition)
      let analysisDuration = clock.now - started
      if pump.submit(.acquisition(run: run, acquisition: acquisition, detection: detection)) {
        count(run) { $0.acquisitionsSpooled += 1 }
      } else {
        count(run) { $0.acquisitionsDropped += 1 }
        observer?.acquisitionDropped(instrument.configuredID)
        logger.error(
          "spool backlog full; result dropped",
          metadata: ["device_seq": "\(acquisition.deviceSequence)"])
      }
      observer?.acquisitionAnalysed(
        acquisition, detection: detection, run: run, analysisDuration: analysisDuration,
        queueDepth: depth)
    }
  }
}
