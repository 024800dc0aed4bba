import Calibration
import Foundation
import Logging
import Monitor
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
///
/// Everything the session has to report goes out once, as a `SessionEvent`, to its observers
/// (health, monitor) and to its own log and run tallies.
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
    /// The acquisition chain (auto-exposure, averaging, dark, non-linearity) for an instrument
    /// that `AdjustsExposure`; `nil` takes each spectrum as the instrument delivers it.
    public var acquisitionChain: AcquisitionChainSettings? = nil
    /// Where a running map hands out its slots; while a map measures this instrument's
    /// technique, the session takes only those (`MapSlotDesk`).
    public var mapSlots: MapSlotDesk? = nil
    /// The configured `[calibration.axis]` the analyzer starts on, until a calibration acquired
    /// online (`requestAxisCalibration`) replaces it.
    public var axisCalibration: WavenumberCalibration? = nil
    /// Where the instrument's accepted online calibration and dark are kept across restarts
    /// (`InstrumentStateFile`); `nil` keeps them in memory only.
    public var stateDirectory: String? = nil

    public init() {}
  }

  private let instrument: any Instrument
  private let makeAnalyzer: SpectrumAnalyzerFactory
  let pump: SpoolPump
  private let runs: RunController
  let settings: Settings
  /// Acquisitions are counted in the run they were tagged with.
  private let tallies = RunTallies()
  /// Who hears of every event: the tallies, the log, then the observers given at `init`.
  private let observers: [any SessionObserver]
  /// The run whose `run-start` this session wrote last.
  private let announced = Mutex<RunContext?>(nil)
  /// Spectra waiting for analysis.
  private let queueDepth = Atomic(0)
  /// The acquisition chain, when configured and the instrument can take part.
  let chain: AcquisitionChain?
  /// Map exposures of an instrument without an acquisition chain.
  private let planExposures = PlanExposures()
  /// Dark requests waiting for the acquisition loop.
  private let darkRequests = DarkRequests()
  /// Axis-calibration requests waiting for the acquisition loop.
  let calibrationRequests = CalibrationRequests()
  /// The axis calibration in force and its version.
  let axisBook: Mutex<AxisCalibrationBook>
  /// The state kept in the instrument's state file, as last written or read.
  let keptState = Mutex<InstrumentStateFile?>(nil)
  /// What the state file offered at open, until the first spectrum shows the device's axis.
  let pendingRestore = Mutex<PendingRestore?>(nil)
  /// The session's own log, tagged with the instrument's id.
  let logger: Logger

  /// - Parameter observers: who else hears of the session's events (`DaemonHealth`, the
  ///   monitor); the session's own log lines go to `logger`, tagged with the instrument's id.
  public init(
    instrument: any Instrument, analyzer: @escaping SpectrumAnalyzerFactory, pump: SpoolPump,
    runs: RunController, observers: [any SessionObserver] = [], settings: Settings,
    logger: Logger
  ) {
    self.instrument = instrument
    self.makeAnalyzer = analyzer
    self.pump = pump
    self.runs = runs
    self.settings = settings
    self.axisBook = Mutex(AxisCalibrationBook(inForce: settings.axisCalibration))
    self.chain = settings.acquisitionChain.flatMap { chainSettings in
      (instrument as? any AdjustsExposure).map {
        AcquisitionChain(instrument: $0, settings: chainSettings)
      }
    }
    var logger = logger
    logger[metadataKey: "instrument"] = "\(instrument.configuredID)"
    self.logger = logger
    self.observers = [tallies, SessionLog(logger: logger)] + observers
  }

  /// The tally of the run the session is in.
  public var summary: RunSummary {
    let run = announced.withLock { $0 } ?? runs.current
    return tallies.current(run.runID)
  }

  /// Tells every observer, in order.
  private func emit(_ event: SessionEvent) {
    for observer in observers { observer.observe(event, instrument: instrument.configuredID) }
  }

  /// The bytes the last open drained: a killed predecessor's unfinished acquisition.
  private func staleBytesAtLastOpen() async -> Int {
    guard let draining = instrument as? any DrainsStaleRepliesAtOpen else { return 0 }
    return await draining.staleBytesAtLastOpen
  }

  /// Runs until graceful shutdown or cancellation.
  public func runSession() async {
    guard let identity = await openWithRetry() else {
      emit(.closed(nil))
      return
    }
    let firstRun = runs.current
    announce(firstRun, instrument: identity)
    await restoreKeptState(identity: identity, run: firstRun)
    let (spectra, queue) = AsyncStream.makeStream(
      of: QueuedSpectrum.self,
      bufferingPolicy: .bufferingOldest(settings.analysisQueueCapacity))
    let room = AnalysisQueueRoom(capacity: settings.analysisQueueCapacity)
    await withTaskGroup(of: Void.self) { group in
      group.addTask {
        await withTaskGroup(of: Void.self) { acquiring in
          if let gate = self.instrument as? any GatesEmissionOnOperatorRuns {
            acquiring.addTask { await self.forwardRunChanges(to: gate) }
          }
          await self.acquireContinuously(identity: identity, into: queue, room: room)
          acquiring.cancelAll()
        }
        queue.finish()
      }
      group.addTask {
        await self.analyseAndSpool(spectra, room: room)
        room.close()
      }
    }
    darkRequests.close()
    calibrationRequests.close()
    await instrument.close()
    let run = announced.withLock { $0 } ?? firstRun
    emit(.closed(endRun(run, reason: "shutdown", instrument: identity)))
  }

  private var shouldStop: Bool { Task.isCancelled || Task.isShuttingDownGracefully }

  /// Tells an instrument with its own light source of every change of run as it happens, so a
  /// stopped run switches the laser off without waiting for the exposure in flight.
  private func forwardRunChanges(to gate: any GatesEmissionOnOperatorRuns) async {
    for await transition in runs.transitions() {
      await gate.operatorRunChanged(
        active: transition.started.isOperatorRun, generation: transition.generation)
    }
  }

  /// Tells an instrument with its own light source which run the next exposure belongs to.
  private func gateEmission(for run: RunContext, generation: UInt64) async {
    guard let gate = instrument as? any GatesEmissionOnOperatorRuns else { return }
    await gate.operatorRunChanged(active: run.isOperatorRun, generation: generation)
  }

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
    var summary = tallies.take(run.runID)
    summary.reason = reason
    summary.fusion = settings.runEndFusion?(run.runID)
    pump.submit(.runEnd(run: run, instrument: identity, summary: summary, time: Date()))
    return summary
  }

  private func openWithRetry() async -> InstrumentIdentity? {
    var delay = settings.reopenBackoffSeconds.lowerBound
    while !shouldStop {
      let arrivals = settings.presence?.generation(.arrived) ?? 0
      emit(.opening)
      do {
        let identity = try await instrument.open()
        await chain?.deviceOpened()
        await planExposures.deviceOpened()
        emit(.opened(identity, staleBytes: await staleBytesAtLastOpen()))
        return identity
      } catch {
        emit(
          .openFailed(
            error, staleBytes: await staleBytesAtLastOpen(), retryAfterSeconds: delay,
            run: runs.current))
        await instrument.close()
        switch await backOff(seconds: delay, arrivalsSeen: arrivals) {
        case .stopping: return nil
        case .elapsed: delay = min(delay * 2, settings.reopenBackoffSeconds.upperBound)
        case .deviceArrived:
          emit(.deviceArrived)
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
  /// behind (reported every time). False when the session stops.
  private func waitForRoom(_ room: AnalysisQueueRoom) async -> Bool {
    if !room.hasRoom {
      emit(.waitingForAnalysis(queueCapacity: settings.analysisQueueCapacity))
    }
    guard await room.take() else { return false }
    if shouldStop {
      room.give()
      return false
    }
    return true
  }

  private func acquireContinuously(
    identity: InstrumentIdentity, into queue: AsyncStream<QueuedSpectrum>.Continuation,
    room: AnalysisQueueRoom
  ) async {
    // Removals counted from the moment the device is open, so one that falls between two
    // acquisitions still ends the next.
    var removalsSeen = settings.presence?.generation(.removed) ?? 0
    while !shouldStop {
      guard await waitForRoom(room) else { break }
      var placeUsed = false
      defer { if !placeUsed { room.give() } }
      let ticket = await nextMapTicket()
      guard !shouldStop else {
        ticket?.finish(.interrupted)
        break
      }
      let (run, generation) = runs.currentWithGeneration
      await gateEmission(for: run, generation: generation)
      if darkRequests.pending { await takeDark(run: run) }
      if calibrationRequests.pending { await calibrateAxis(run: run, identity: identity) }
      emit(.acquisitionStarted(run))
      let outcome = await acquireOnce(run: run, removalsSeen: removalsSeen, ticket: ticket)
      ticket?.finish(outcome.mapOutcome)
      switch outcome {
      case .completed(var acquisition):
        acquisition.mapPoint = ticket?.mapMember
        emit(.acquired(acquisition, run))
        queueDepth.add(1, ordering: .relaxed)
        placeUsed = true
        if pendingRestore.withLock({ $0 != nil }) {
          await completeRestore(on: acquisition, run: run)
        }
        let calibration = axisBook.withLock { $0.online }
        if case .dropped = queue.yield((acquisition, run, calibration)) {
          // Not reached while every queued spectrum holds a place; kept so that an overflow
          // could never pass uncounted.
          placeUsed = false
          queueDepth.subtract(1, ordering: .relaxed)
          emit(.dropped(acquisition, run, .analysisQueueFull))
        }
      case .interrupted:
        emit(.interrupted(run, .shutdown))
        return
      case .deviceLost(let arrivalsSeen):
        emit(.interrupted(run, .deviceRemoved))
        await instrument.close()
        let waited = await backOff(
          seconds: settings.reopenBackoffSeconds.upperBound, arrivalsSeen: arrivalsSeen)
        guard waited != .stopping else { return }
        if waited == .deviceArrived { emit(.deviceArrived) }
        guard await openWithRetry() != nil else { return }
        // Removals reported before the device opened again belong to the device that went.
        removalsSeen = settings.presence?.generation(.removed) ?? 0
      case .failed(let error as SaturatedSpectrumError):
        // Discarded, never data; the device is fine, so the session carries on.
        emit(.acquisitionFailed(error, run, linkLost: false))
      case .failed(let error):
        // A link that went away mid-acquisition (a serial device unplugged, with no udev
        // presence to report it) interrupted the acquisition in flight: tallied as such, unless
        // the device finishes it and delivers it after the reopen.
        let gone =
          (error as? InstrumentError)?.category == .disconnected
          && !(instrument is any RecoversAcquisitionAfterReconnect)
        emit(.acquisitionFailed(error, run, linkLost: gone))
        await instrument.close()
        guard await openWithRetry() != nil else { return }
        // The udev removal of an unplug often arrives after the failed transfer that showed it;
        // counted once already, it must not end the first acquisition of the reopened device.
        removalsSeen = settings.presence?.generation(.removed) ?? 0
      }
    }
  }

  private enum Outcome: Sendable {
    case completed(Acquisition)
    case interrupted
    /// The device was unplugged; carries the arrival generation seen before the removal.
    case deviceLost(arrivalsSeen: UInt64)
    case failed(any Error)

    /// What a map hears of it.
    var mapOutcome: MapTicket.Outcome {
      switch self {
      case .completed: .acquired
      case .interrupted: .interrupted
      case .deviceLost: .failed("device removed")
      case .failed(let error): .failed("\(error)")
      }
    }
  }

  /// The map slot to take next, `nil` (at once) when no map measures this technique.
  private func nextMapTicket() async -> MapTicket? {
    guard let desk = settings.mapSlots else { return nil }
    let kind = instrument.kind
    return await cancelWhenGracefulShutdown { await desk.nextSlot(for: kind) }
  }

  /// One acquisition that may run on for the grace period after shutdown starts, then is aborted.
  private func acquireOnce(
    run: RunContext, removalsSeen removals: UInt64, ticket: MapTicket?
  ) async -> Outcome {
    let grace = settings.shutdownGraceSeconds
    let instrument = self.instrument
    let chain = self.chain
    let planExposures = self.planExposures
    let presence = settings.presence
    return await withTaskGroup(of: Outcome?.self) { group in
      group.addTask {
        do {
          if let ticket {
            // A map's slot is exposed for its plan's time, never the instrument's own.
            if let triggered = instrument as? any TakesTriggeredExposures {
              return .completed(
                try await triggered.acquireTriggered(exposureSeconds: ticket.exposureSeconds))
            }
            if let chain {
              return .completed(
                try await chain.acquire(
                  runID: run.runID, operatorRun: run.isOperatorRun,
                  planExposureSeconds: ticket.exposureSeconds))
            }
            if let adjustable = instrument as? any AdjustsExposure {
              return .completed(
                try await planExposures.acquire(adjustable, exposureSeconds: ticket.exposureSeconds)
              )
            }
          }
          if let chain {
            return .completed(
              try await chain.acquire(runID: run.runID, operatorRun: run.isOperatorRun))
          }
          return .completed(try await instrument.acquire())
        } catch is CancellationError {
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
    _ spectra: AsyncStream<QueuedSpectrum>, room: AnalysisQueueRoom
  ) async {
    var analyzer = makeAnalyzer()
    var analysedOn: String?
    let clock = ContinuousClock()
    for await (acquisition, run, calibration) in spectra {
      if let calibration, calibration.id != analysedOn {
        analyzer.useAxisCalibration(calibration)
        analysedOn = calibration.id
      }
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
      let spooled = pump.submit(
        .acquisition(run: run, acquisition: acquisition, detection: detection))
      if !spooled { emit(.dropped(acquisition, run, .spoolBacklogFull)) }
      emit(
        .analysed(
          AnalysedSpectrum(
            acquisition: acquisition, detection: detection, run: run,
            analysisDuration: analysisDuration, queueDepth: depth, spooled: spooled)))
    }
  }

  /// A spectrum waiting for analysis, with its run and the calibration acquired online that
  /// was in force when it was taken (`nil`: the configured one).
  private typealias QueuedSpectrum = (Acquisition, RunContext, WavenumberCalibration?)

  // MARK: Axis calibration (requests: InstrumentSession+Calibration.swift)

  var currentRunIsOperatorRun: Bool { runs.current.isOperatorRun }

  var calibrationTargets: (any CalibrationTargetChanger)? {
    (instrument as? any PlacesCalibrationTargets)?.calibrationTargets
  }

  /// Carries out every calibration request waiting, in order, between two spectra: writes a
  /// `calibration` record for each and puts an accepted calibration in force for the spectra
  /// taken after it.
  private func calibrateAxis(run: RunContext, identity: InstrumentIdentity) async {
    for waiting in calibrationRequests.take() {
      guard let chain, let changer = calibrationTargets else {
        waiting.continuation.resume(
          throwing: ControlRefusal("\(instrument.configuredID) cannot place calibration targets"))
        continue
      }
      if switchesOwnLightSource && !run.isOperatorRun {
        waiting.continuation.resume(throwing: Self.laserRefusal(instrument.configuredID))
        continue
      }
      let outcome = await OnlineAxisCalibration.attempt(
        waiting.request, instrumentID: instrument.configuredID, chain: chain, changer: changer)
      let (previous, inForce, version) = axisBook.withLock { book in
        let previous = book.inForce
        if outcome.refusal == nil, let calibration = outcome.calibration {
          book.online = calibration
          book.inForce = calibration
          book.version += 1
        }
        return (previous, book.inForce, book.version)
      }
      if outcome.refusal == nil, let accepted = outcome.calibration,
        let first = outcome.spectra.first?.acquisition
      {
        // A calibration accepted before the first spectrum wins over the one kept on disk.
        pendingRestore.withLock { $0?.calibration = nil }
        let entry = InstrumentStateFile.Calibration(
          accepted, version: version, supersedes: previous?.id,
          configuredID: settings.axisCalibration?.id, accepted: Date(),
          verification: outcome.check, limit: waiting.request.maximumResidualCm1)
        await keep(device: first.instrument, axis: first.axis, pixels: first.counts.count) {
          $0.calibration = entry
        }
      }
      let document = OnlineAxisCalibration.document(
        outcome, request: waiting.request, inForce: inForce, previous: previous, version: version)
      pump.submit(
        .calibration(
          run: run, instrument: outcome.spectra.first?.acquisition.instrument ?? identity,
          calibration: document, time: Date()))
      if let refusal = outcome.refusal {
        let kept = previous.map { "calibration \($0.id) stays in force" } ?? "the device axis stays"
        waiting.continuation.resume(
          throwing: ControlRefusal("refused (\(refusal.reason)): \(refusal.message); \(kept)"))
      } else {
        waiting.continuation.resume(returning: document)
      }
    }
  }

  /// Why a laser instrument is not calibrated outside an operator run.
  static func laserRefusal(_ id: String) -> ControlRefusal {
    ControlRefusal(
      "\(id) fires its laser only in operator runs, and silicon needs it: start a run "
        + "(whitlockctl run start --sample CAL) and ask again")
  }

  // MARK: Darks (requests: InstrumentSession+Dark.swift)

  var instrumentID: String { instrument.configuredID }
  var hasAcquisitionChain: Bool { chain != nil }
  var switchesOwnLightSource: Bool { instrument is any GatesEmissionOnOperatorRuns }
  func waitForDark() async throws -> DarkFrame { try await darkRequests.next() }

  /// Takes the dark everyone waiting asked for, spools it and answers them.
  private func takeDark(run: RunContext) async {
    let waiting = darkRequests.take()
    guard !waiting.isEmpty else { return }
    let result: Result<DarkFrame, any Error>
    if let chain {
      do {
        let dark = try await chain.takeDark()
        pump.submit(.dark(run: run, dark: dark))
        result = .success(dark)
        if let device = await chain.latestFrameDevice {
          let entry = InstrumentStateFile.Dark(dark)
          await keep(device: dark.instrument, axis: device.axis, pixels: device.pixels) {
            $0.dark = entry
          }
        }
      } catch { result = .failure(error) }
    } else {
      result = .failure(DarkRefusal("\(instrument.configuredID) has no acquisition chain"))
    }
    for continuation in waiting { continuation.resume(with: result) }
  }
}
