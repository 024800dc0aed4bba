import Detection
import Foundation
import Monitor
import Records
import Spool
import SpoolShipper
import Synchronization
import WhitlockConfiguration
import WhitlockCore

/// Connects the daemon to its monitor: turns session events into live events and metrics
/// (`SessionObserver`) and answers the monitor's questions about the daemon (`MonitorBackend`).
public final class MonitorBridge: SessionObserver, MonitorBackend {
  /// What the live view knows about one instrument.
  struct InstrumentEntry {
    var configuration: InstrumentConfiguration
    var state: InstrumentState = .opening
    var acquisitions: UInt64 = 0
    var errors: UInt64 = 0
    var dropped: UInt64 = 0
    var lastAcquisition: Date?
    var lastError: String?
    /// The driver's link counters (`link_*` acquisition parameters) last seen since the device
    /// was opened; they restart at zero with every open.
    var linkCounters: [String: Int64] = [:]
    /// Raman: the latest fractions, for a page opened mid-run.
    var recentFractions = RecentFractions()
  }

  /// Points kept from each spectrum for the live view (min/max decimation).
  public static let spectrumPoints = 256

  let hub: LiveHub
  let metrics: MonitorMetrics
  private let runs: RunController
  private let spool: SpoolService
  private let shipper: ShipperStatus?
  private let startedAt = Date()
  private let board: Mutex<[String: InstrumentEntry]>
  private let order: [String]
  private let noInstrumentAdvice: String?
  /// The sessions that take darks asked for over the control API.
  public let darks = DarkDesk()
  /// The sessions that acquire axis calibrations asked for over the control API.
  public let calibrations = CalibrationDesk()
  /// The map service, when a stage is configured.
  private let maps: MapService?

  /// Connects `hub` and `metrics` to the sessions of `instruments` (the daemon's wiring; public
  /// so that the end-to-end benchmark can assemble the same pipeline in its own process).
  /// `noInstrumentAdvice` is the `/readyz` reason when no instrument is configured.
  public init(
    hub: LiveHub, metrics: MonitorMetrics, runs: RunController, spool: SpoolService,
    instruments: [InstrumentConfiguration], noInstrumentAdvice: String? = nil,
    shipper: ShipperStatus? = nil, maps: MapService? = nil
  ) {
    self.maps = maps
    self.noInstrumentAdvice = noInstrumentAdvice
    self.shipper = shipper
    self.hub = hub
    self.metrics = metrics
    self.runs = runs
    self.spool = spool
    order = instruments.map(\.id)
    board = Mutex(
      Dictionary(
        uniqueKeysWithValues: instruments.map { ($0.id, InstrumentEntry(configuration: $0)) }))
  }

  /// Turns the driver's cumulative link counters (retries, skipped garbage bytes, corrupted
  /// frames, drained bytes) into increments of `whitlock_link_trouble_total`, so line faults the
  /// driver survived without an error are still visible in metrics.
  private func recordLinkTrouble(_ acquisition: Acquisition, _ metrics: InstrumentMetrics) {
    let values = acquisition.parameters.compactMap { name, value -> (String, Int64)? in
      guard name.hasPrefix("link_"), let number = value.doubleValue else { return nil }
      return (String(name.dropFirst(5)), Int64(number))
    }
    guard !values.isEmpty else { return }
    let id = acquisition.instrument.id
    let increments = board.withLock { board -> [(String, Int64)] in
      values.map { kind, value in
        let last = board[id]?.linkCounters[kind] ?? 0
        board[id]?.linkCounters[kind] = value
        return (kind, value >= last ? value - last : value)
      }
    }
    for (kind, increment) in increments where increment > 0 {
      metrics.recordLinkTrouble(kind: kind, increment)
    }
  }

  // MARK: SessionObserver

  public func observe(_ event: SessionEvent, instrument instrumentID: String) {
    switch event {
    case .opening:
      instrumentStateChanged(instrumentID, .opening)
    case .opened(let identity, _):
      instrumentStateChanged(instrumentID, .open(identity))
    case .acquisitionFailed(let error as SaturatedSpectrumError, _, _):
      // A spectrum the acquisition chain discarded: counted, the instrument stays open.
      errorOccurred(instrumentID, error)
    case .openFailed(let error, _, _, _), .acquisitionFailed(let error, _, _):
      errorOccurred(instrumentID, error)
      instrumentStateChanged(instrumentID, .failed("\(error)"))
    case .interrupted(_, .deviceRemoved):
      instrumentStateChanged(instrumentID, .waitingForDevice)
    case .waitingForAnalysis:
      metrics.instrument(instrumentID).waitedForAnalysis.increment()
    case .dropped:
      board.withLock { $0[instrumentID]?.dropped += 1 }
      metrics.instrument(instrumentID).dropped.increment()
    case .analysed(let analysed):
      acquisitionAnalysed(analysed)
    case .closed:
      instrumentStateChanged(instrumentID, .closed)
    case .deviceArrived, .acquisitionStarted, .acquired, .interrupted(_, .shutdown):
      break
    }
  }

  private func instrumentStateChanged(_ instrumentID: String, _ state: InstrumentState) {
    let changed = board.withLock { board -> Bool in
      guard board[instrumentID]?.state != state else { return false }
      board[instrumentID]?.state = state
      if case .open = state { board[instrumentID]?.linkCounters = [:] }
      return true
    }
    guard changed else { return }
    let connected: Double
    if case .open = state { connected = 1 } else { connected = 0 }
    metrics.instrument(instrumentID).connected.record(connected)
    var members: [(String, JSONValue)] = [
      ("id", .string(instrumentID)), ("state", .string(state.name)),
      ("time", .string(UTCTimestamp.string(from: Date()))),
    ]
    switch state {
    case .open(let identity): members.append(("device", Self.identityJSON(identity)))
    case .failed(let reason): members.append(("error", .string(reason)))
    case .opening, .waitingForDevice, .closed: break
    }
    publish(.instrument, .object(members), snapshotKey: "instrument:\(instrumentID)")
  }

  private func acquisitionAnalysed(_ analysed: AnalysedSpectrum) {
    let acquisition = analysed.acquisition
    let detection = analysed.detection
    let run = analysed.run
    let analysisDuration = analysed.analysisDuration
    let queueDepth = analysed.queueDepth
    let id = acquisition.instrument.id
    let result = try? DetectionResult(decoding: detection, kind: acquisition.instrument.kind)
    let fractionPoint = result?.raman.flatMap { raman in
      raman.whitlockiteFraction.value.map { fraction in
        RecentFractions.Point(
          deviceSequence: acquisition.deviceSequence,
          time: UTCTimestamp.string(from: acquisition.endedAt), fraction: fraction,
          sigma: raman.whitlockiteFraction.sigma, phase: raman.phase)
      }
    }
    board.withLock { board in
      board[id]?.acquisitions += 1
      board[id]?.lastAcquisition = acquisition.endedAt
      if let fractionPoint { board[id]?.recentFractions.append(fractionPoint) }
    }
    let instrumentMetrics = metrics.instrument(id)
    instrumentMetrics.acquisitions.increment()
    instrumentMetrics.detectionLatency.record(duration: analysisDuration)
    instrumentMetrics.queueDepth.record(queueDepth)
    if let fraction = fractionPoint?.fraction {
      instrumentMetrics.recordWhitlockiteFraction(fraction)
    }
    if let ratio = result?.xrf?.mgCaRatio.value {
      instrumentMetrics.recordMgCaRatio(ratio)
    } else if detection["mg_ca_below_detection"] == .bool(true) {
      // Below detection the record has no ratio, only a limit; the gauge, which must hold a
      // number, reads 0 ("not detected") rather than keeping an older spectrum's value.
      instrumentMetrics.recordMgCaRatio(0)
    }
    recordLinkTrouble(acquisition, instrumentMetrics)
    let points = SpectrumDecimator.decimate(
      acquisition.counts, axis: acquisition.axis, maximumPoints: Self.spectrumPoints)
    let milliseconds =
      Double(analysisDuration.components.seconds) * 1000
      + Double(analysisDuration.components.attoseconds) / 1e15
    let axis: [JSONValue] = points.axis.map { .number(($0 * 100).rounded() / 100) }
    let counts: [JSONValue] = points.counts.map { .int(Int64($0)) }
    let spectrum: [(String, JSONValue)] = [
      ("unit", .string(acquisition.axis.axisUnit)),
      ("channels", .int(Int64(acquisition.counts.count))),
      ("full_scale", .int(Int64(acquisition.fullScale))),
      ("axis", .array(axis)),
      ("counts", .array(counts)),
    ]
    var members: [(String, JSONValue)] = [
      ("instrument", Self.identityJSON(acquisition.instrument)),
      ("run_id", .string(run.runID)),
      ("sample_id", run.sampleID.map(JSONValue.string) ?? .null),
      ("point_id", run.pointID.map(JSONValue.string) ?? .null),
      ("device_seq", .int(Int64(acquisition.deviceSequence))),
    ]
    members.append(("time", .string(UTCTimestamp.string(from: acquisition.endedAt))))
    members.append(("exposure_s", .number(acquisition.exposureSeconds)))
    members.append(("saturated_channels", .int(Int64(acquisition.saturatedChannelCount))))
    members.append(("analysis_ms", .number(milliseconds)))
    members.append(("spectrum", .object(spectrum)))
    members.append(("detection", detection))
    members.append(("simulation", acquisition.simulationTruth ?? .null))
    if let map = acquisition.mapPoint { members.append(("map", map)) }
    let event = JSONValue.object(members)
    publish(.acquisition, event, snapshotKey: "acquisition:\(id)")
  }

  private func errorOccurred(_ instrumentID: String, _ error: any Error) {
    board.withLock { board in
      board[instrumentID]?.errors += 1
      board[instrumentID]?.lastError = "\(error)"
    }
    metrics.instrument(instrumentID).errors.increment()
  }

  /// Publishes the live events of a run change.
  public static func publishRunChange(
    _ transition: RunController.Transition, hub: LiveHub, metrics: MonitorMetrics
  ) {
    var ended = Self.runJSON(transition.ended)
    if case .object(var members) = ended {
      members.insert(("event", .string("end")), at: 0)
      members.append(("reason", .string(transition.reason)))
      ended = .object(members)
    }
    hub.publish(.run, ended)
    metrics.sseEvents.increment()
    publishRunStart(transition.started, hub: hub, metrics: metrics)
  }

  /// Publishes the `run` event of `run` starting (also used for the daemon's first run).
  public static func publishRunStart(_ run: RunContext, hub: LiveHub, metrics: MonitorMetrics) {
    guard case .object(var members) = runJSON(run) else { return }
    members.insert(("event", .string("start")), at: 0)
    hub.publish(.run, .object(members), snapshotKey: "run")
    metrics.sseEvents.increment()
  }

  private func publish(_ kind: LiveEvent.Kind, _ value: JSONValue, snapshotKey: String? = nil) {
    hub.publish(kind, value, snapshotKey: snapshotKey)
    metrics.sseEvents.increment()
  }

  // MARK: MonitorBackend

  public func status() -> JSONValue {
    let entries = board.withLock { board in order.compactMap { board[$0] } }
    let counters = spool.pump.counters
    let hubCounters = hub.counters
    let spoolState: String
    var spoolMembers: [(String, JSONValue)] = [
      ("path", .string(spool.layout.root)), ("spool_id", .string(spool.identity.uuid)),
    ]
    switch spool.state {
    case .writing: spoolState = "writing"
    case .failing(let reason):
      spoolState = "failing"
      spoolMembers.append(("error", .string(reason)))
    }
    spoolMembers += [
      ("state", .string(spoolState)),
      ("records_written", .int(Int64(counters.written))),
      ("segments_published", .int(Int64(counters.segmentsPublished))),
      ("bytes_written", .int(Int64(counters.bytesWritten))),
      ("backlog", .int(Int64(counters.backlog))),
      ("refused", .int(Int64(counters.refused))),
      ("segments_abandoned", .int(Int64(counters.segmentsAbandoned))),
      ("last_seq", .int(Int64(counters.lastSequence))),
    ]
    var document: [(String, JSONValue)] = [
      (
        "daemon",
        .object([
          ("started", .string(UTCTimestamp.string(from: startedAt))),
          ("uptime_s", .number(Date().timeIntervalSince(startedAt).rounded())),
          ("ready", .bool(notReadyReason() == nil)),
          ("not_ready_reason", notReadyReason().map(JSONValue.string) ?? .null),
          ("detector_kernels", .string(DetectorKernels.active.rawValue)),
        ])
      ),
      ("run", Self.runJSON(runs.current)),
      ("instruments", .array(entries.map(Self.entryJSON))),
      ("spool", .object(spoolMembers)),
      (
        "live",
        .object([
          ("clients", .int(Int64(hubCounters.clients))),
          ("clients_dropped", .int(Int64(hubCounters.clientsDropped))),
          ("events_published", .int(Int64(hubCounters.published))),
          ("last_event_id", .int(Int64(hubCounters.lastEventID))),
        ])
      ),
    ]
    if let shipper { document.append(("ship", shipper.snapshot.jsonValue)) }
    return .object(document)
  }

  public func notReadySummary() -> String? {
    let details = " (details in the log and GET /api/v1/status)"
    if case .failing = spool.state { return "spool is failing" + details }
    if noInstrumentAdvice != nil { return "no instrument configured" + details }
    if shipper?.problem != nil { return "shipping to the database is failing" + details }
    return openInstrumentProblem
  }

  /// "no instrument is open" until one is, else `nil`.
  private var openInstrumentProblem: String? {
    let anyOpen = board.withLock { board in
      board.values.contains { if case .open = $0.state { true } else { false } }
    }
    return anyOpen ? nil : "no instrument is open"
  }

  public func notReadyReason() -> String? {
    if case .failing(let reason) = spool.state { return "spool is failing: \(reason)" }
    if let noInstrumentAdvice { return noInstrumentAdvice }
    if let problem = shipper?.problem { return problem }
    return openInstrumentProblem
  }

  public func refreshMetrics() {
    let counters = spool.pump.counters
    let failing: Bool
    if case .failing = spool.state { failing = true } else { failing = false }
    metrics.recordSpool(
      MonitorMetrics.SpoolSample(
        recordsWritten: counters.written, segmentsPublished: counters.segmentsPublished,
        bytesWritten: counters.bytesWritten, refused: counters.refused,
        backlog: counters.backlog, failing: failing,
        segmentsAbandoned: counters.segmentsAbandoned))
    if let ship = shipper?.snapshot {
      metrics.recordShip(
        MonitorMetrics.ShipSample(
          recordsShipped: ship.recordsShipped, recordsAlreadyPresent: ship.recordsAlreadyPresent,
          segmentsShipped: ship.segmentsShipped, segmentsQuarantined: ship.segmentsQuarantined,
          connectFailures: ship.connectFailures, backlogSegments: ship.backlogSegments,
          backlogBytes: ship.backlogBytes, failing: ship.state == .failing))
    }
  }

  public func startRun(_ request: RunRequest) async throws -> JSONValue {
    let transition = runs.start(
      sampleID: request.sampleID, operatorName: request.operatorName, pointID: request.pointID)
    return .object([
      ("started", Self.runJSON(transition.started)),
      ("ended", Self.runJSON(transition.ended)),
    ])
  }

  public func takeDark(instrumentID: String, beamBlocked: Bool) async throws -> JSONValue {
    try await darks.takeDark(instrumentID: instrumentID, beamBlocked: beamBlocked)
  }

  public func calibrateAxis(instrumentID: String, _ request: AxisCalibrationRequest) async throws
    -> JSONValue
  {
    try await calibrations.calibrate(instrumentID: instrumentID, request)
  }

  public func stopRun() async throws -> JSONValue {
    let transition = runs.stop()
    return .object([
      ("ended", Self.runJSON(transition.ended)),
      ("started", Self.runJSON(transition.started)),
      ("note", .string("instruments continue in an automatic run without a sample id")),
    ])
  }

  public func startMap(_ body: [UInt8]) async throws(MapControlError) -> JSONValue {
    guard let maps else { throw Self.noStage }
    return try maps.start(planJSON: body)
  }

  public func controlMap(_ action: MapAction) async throws(MapControlError) -> JSONValue {
    guard let maps else { throw Self.noStage }
    return try await maps.control(action)
  }

  public func currentMap() throws(MapControlError) -> JSONValue {
    guard let maps else { throw Self.noStage }
    return try maps.current()
  }

  private static let noStage = MapControlError(
    .conflict, "no stage is configured: add a [stage] table to the configuration")

  // MARK: JSON

  static func runJSON(_ run: RunContext) -> JSONValue {
    .object([
      ("run_id", .string(run.runID)),
      ("sample_id", run.sampleID.map(JSONValue.string) ?? .null),
      ("operator", run.operatorName.map(JSONValue.string) ?? .null),
      ("point_id", run.pointID.map(JSONValue.string) ?? .null),
      ("started", .string(UTCTimestamp.string(from: run.startedAt))),
      ("automatic", .bool(run.sampleID == nil)),
    ])
  }

  static func identityJSON(_ identity: InstrumentIdentity) -> JSONValue {
    .object([
      ("id", .string(identity.id)), ("kind", .string(identity.kind.rawValue)),
      ("model", .string(identity.model)), ("serial", .string(identity.serial)),
    ])
  }

  private static func entryJSON(_ entry: InstrumentEntry) -> JSONValue {
    var members: [(String, JSONValue)] = [
      ("id", .string(entry.configuration.id)),
      ("kind", .string(entry.configuration.kind.rawValue)),
      ("driver", .string(entry.configuration.driver.rawValue)),
      ("state", .string(entry.state.name)),
      ("acquisitions", .int(Int64(entry.acquisitions))),
      ("errors", .int(Int64(entry.errors))),
      ("dropped", .int(Int64(entry.dropped))),
      (
        "last_acquisition",
        entry.lastAcquisition.map { .string(UTCTimestamp.string(from: $0)) } ?? .null
      ),
      ("last_error", entry.lastError.map(JSONValue.string) ?? .null),
    ]
    if case .open(let identity) = entry.state { members.append(("device", identityJSON(identity))) }
    if entry.configuration.kind == .raman {
      members.append(("recent_fractions", entry.recentFractions.jsonValue))
    }
    return .object(members)
  }
}
