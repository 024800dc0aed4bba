import Foundation
import Logging
import Mapping
import Monitor
import Records
import ServiceLifecycle
import Spool
import Synchronization
import WhitlockCore

/// Runs maps on the daemon's stage: one at a time, started over the API (or resumed from the
/// spool at start-up, or the demo), paused, resumed and aborted.
///
/// A map's life: its `map-plan` record is written (and on disk) before the stage first moves;
/// `MapRunner` then moves and settles point by point and hands each slot through the
/// `MapSlotDesk` to the instrument session of its technique, whose acquisition carries the
/// `map` member into its record and live event. What is recorded is learnt from the sessions'
/// `analysed` events (the service observes the sessions), so the runner is always started
/// from what the spool holds. When every slot is recorded, or on abort, a `map-end` record
/// follows the map's last acquisition; a map without one is resumed on the next start at its
/// first missing slot (`MapResume`). A graceful shutdown writes no `map-end`: the map continues
/// after the restart, like after a kill.
///
/// Every state change is published as a `map` live event.
public final class MapService: Service, SessionObserver {
  /// The states a map reports.
  public enum State: String, Sendable {
    case running
    case paused
    case complete
    case aborted
  }

  /// How the service is set up.
  public struct Settings: Sendable {
    /// Longest wait for a move to end.
    public var settleTimeout: Duration = .seconds(60)
    /// Points per side of the demo map scanned again and again (simulated stage); `nil`: none.
    public var demoSide: Int?
    /// Origin and side of the demo map's square, µm.
    public var demoSquare: (origin: StagePosition, side: Double) = (StagePosition(x: 0, y: 0), 1)
    /// Exposures of the demo map.
    public var demoExposures = ScanExposures(ramanSeconds: 0.5)
    /// First and longest wait before the stage is opened again after a failure.
    public var reopenBackoff: ClosedRange<Duration> = .milliseconds(500) ... .seconds(10)

    public init() {}
  }

  private struct Job {
    var plan: ScanPlan
    var state: State = .running
    var slotsPerPoint: Int
    var pointsTotal: Int
    var recorded: Set<MapSlot> = []
    /// Slots acquired whose records are not yet analysed and spooled.
    var pending: Set<MapSlot> = []
    var recordedPerPoint: [Int: Int] = [:]
    var pointsDone = 0
    var abortRequested = false
    /// Why the service ended the map itself (a point outside the stage's travel); `nil` when an
    /// operator aborted it.
    var endReason: String?
    var isDemo = false

    init(plan: ScanPlan, recorded: Set<MapSlot>, isDemo: Bool) {
      self.plan = plan
      self.isDemo = isDemo
      slotsPerPoint = plan.exposures.techniques.count * plan.repeats
      pointsTotal = plan.grid.points.count
      for slot in recorded { record(slot) }
    }

    var isComplete: Bool { recorded.count == pointsTotal * slotsPerPoint }

    mutating func record(_ slot: MapSlot) {
      guard slot.pointIndex < pointsTotal, recorded.insert(slot).inserted else { return }
      let count = recordedPerPoint[slot.pointIndex, default: 0] + 1
      recordedPerPoint[slot.pointIndex] = count
      if count == slotsPerPoint { pointsDone += 1 }
    }
  }

  private struct Waiter {
    var id: UInt64
    var condition: @Sendable (Shared) -> Bool
    var continuation: CheckedContinuation<Bool, Never>
  }

  private struct Shared {
    var job: Job?
    var queue: [(plan: ScanPlan, recorded: Set<MapSlot>, resumed: Bool, isDemo: Bool)] = []
    var usedIDs: Set<String> = []
    var readyKinds: Set<InstrumentKind> = []
    var identities: [InstrumentKind: InstrumentIdentity] = [:]
    var writtenPlans: Set<String> = []
    /// The stage's travel as its controller last reported it; later maps are checked against it.
    var travel: StageTravel?
    var waiters: [Waiter] = []
    var nextWaiterID: UInt64 = 0
    var jobTask: Task<Void, Never>?
    /// The spool has been read for unfinished maps (until then, maps are refused).
    var scanned = false
    var demoCount = 0
  }

  /// The slots' way to the sessions.
  public let desk: MapSlotDesk
  private let stage: (any MotorizedStage)?
  private let settings: Settings
  private let pump: SpoolPump
  private let layout: SpoolLayout
  private let runs: RunController
  /// Configured instruments: id → kind, and the identity a record names before one opened.
  private let kinds: [String: InstrumentKind]
  private let publish: @Sendable (JSONValue) -> Void
  private let logger: Logger
  private let shared: Mutex<Shared>

  /// A map service for `stage` (none: every map is refused, naming `[stage]`).
  ///
  /// - Parameters:
  ///   - instruments: the configured instruments' ids, kinds and the identity a `map-plan`
  ///     record names until the instrument has opened.
  ///   - publish: publishes a `map` live event.
  public init(
    stage: (any MotorizedStage)?, settings: Settings, pump: SpoolPump, layout: SpoolLayout,
    runs: RunController, instruments: [InstrumentIdentity],
    publish: @escaping @Sendable (JSONValue) -> Void, logger: Logger
  ) {
    self.stage = stage
    self.settings = settings
    self.pump = pump
    self.layout = layout
    self.runs = runs
    self.publish = publish
    self.logger = logger
    desk = MapSlotDesk()
    kinds = Dictionary(
      instruments.map { ($0.id, $0.kind) }, uniquingKeysWith: { first, _ in first })
    var initial = Shared()
    for identity in instruments where initial.identities[identity.kind] == nil {
      initial.identities[identity.kind] = identity
    }
    shared = Mutex(initial)
  }

  // MARK: Records written

  /// Called by the spool writer after each record is on disk: a `map-plan` written lets its
  /// map move the stage.
  public func recordWritten(_ record: SpoolRecord) {
    guard case .mapPlan(_, _, let plan, _) = record, let id = plan["map_id"]?.stringValue else {
      return
    }
    change { _ = $0.writtenPlans.insert(id) }
  }

  // MARK: SessionObserver

  public func observe(_ event: SessionEvent, instrument instrumentID: String) {
    switch event {
    case .opened(let identity, _):
      shared.withLock { $0.identities[identity.kind] = identity }
    case .acquisitionStarted:
      guard let kind = kinds[instrumentID] else { return }
      let known = shared.withLock { $0.readyKinds.contains(kind) }
      if !known { change { _ = $0.readyKinds.insert(kind) } }
    case .analysed(let analysed):
      guard let slot = Self.slot(of: analysed.acquisition) else { return }
      change { shared in
        guard shared.job?.plan.id == slot.mapID else { return }
        shared.job?.pending.remove(slot.slot)
        if analysed.spooled { shared.job?.record(slot.slot) }
      }
    case .dropped(let acquisition, _, .analysisQueueFull):
      guard let slot = Self.slot(of: acquisition) else { return }
      change { shared in
        guard shared.job?.plan.id == slot.mapID else { return }
        shared.job?.pending.remove(slot.slot)
      }
    default:
      break
    }
  }

  private static func slot(of acquisition: Acquisition) -> (mapID: String, slot: MapSlot)? {
    guard let map = acquisition.mapPoint, let id = map["map_id"]?.stringValue,
      case .int(let index)? = map["grid_index"], case .int(let repeatIndex)? = map["repeat"]
    else { return nil }
    return (
      id,
      MapSlot(
        pointIndex: Int(index), technique: acquisition.instrument.kind,
        repeatIndex: Int(repeatIndex))
    )
  }

  // MARK: Control

  /// Starts the map whose plan is `body` (JSON); refused when invalid, when no stage is
  /// configured, when a map is running or paused, or when its id was used before.
  public func start(planJSON body: [UInt8]) throws(MapControlError) -> JSONValue {
    let value: JSONValue
    do { value = try JSONParser.parse(body) } catch {
      throw MapControlError(.invalid, "body is not JSON: \(error)")
    }
    let plan: ScanPlan
    do { plan = try ScanPlan(json: value) } catch {
      throw MapControlError(.invalid, error.description)
    }
    return try start(plan)
  }

  /// Starts `plan` (see `start(planJSON:)`).
  public func start(_ plan: ScanPlan) throws(MapControlError) -> JSONValue {
    try enqueue(plan, recorded: [], resumed: false, isDemo: false)
    return try current()
  }

  private func enqueue(_ plan: ScanPlan, recorded: Set<MapSlot>, resumed: Bool, isDemo: Bool)
    throws(MapControlError)
  {
    guard stage != nil else {
      throw MapControlError(
        .conflict, "no stage is configured: add a [stage] table to the configuration")
    }
    let missing = plan.exposures.techniques.filter { kind in !kinds.values.contains(kind) }
    if let kind = missing.first {
      throw MapControlError(
        .invalid,
        "exposures: the plan measures \(kind.rawValue), but no \(kind.rawValue) "
          + "instrument is configured")
    }
    let refusal = change { shared -> MapControlError? in
      if !resumed, !shared.scanned {
        return MapControlError(
          .conflict, "the map service is still reading the spool for unfinished maps; try again")
      }
      if let job = shared.job, job.state == .running || job.state == .paused {
        return MapControlError(
          .conflict, "map \(job.plan.id) is \(job.state.rawValue); abort it first")
      }
      if let queued = shared.queue.first {
        return MapControlError(.conflict, "map \(queued.plan.id) is about to start")
      }
      if !resumed, shared.usedIDs.contains(plan.id) {
        return MapControlError(
          .invalid, "map_id: \"\(plan.id)\" is already used by a map in the spool; choose another")
      }
      if !resumed, let travel = shared.travel, let outside = plan.firstPoint(outside: travel) {
        return MapControlError(.invalid, "region: \(outside.problem)")
      }
      shared.usedIDs.insert(plan.id)
      shared.queue.append((plan, recorded, resumed, isDemo))
      shared.job = Job(plan: plan, recorded: recorded, isDemo: isDemo)
      return nil
    }
    if let refusal { throw refusal }
  }

  /// Pauses, resumes or aborts the current map; returns it as `current()` shows it.
  public func control(_ action: MapAction) async throws(MapControlError) -> JSONValue {
    switch action {
    case .pause, .resume:
      let (from, to): (State, State) = action == .pause ? (.running, .paused) : (.paused, .running)
      let refusal = change { shared -> MapControlError? in
        guard let job = shared.job else { return MapControlError(.conflict, "no map is running") }
        guard job.state == from else {
          return MapControlError(
            .conflict, "map \(job.plan.id) is \(job.state.rawValue), not \(from.rawValue)")
        }
        shared.job?.state = to
        return nil
      }
      if let refusal { throw refusal }
      publishState()
    case .abort:
      let (refusal, task) = shared.withLock { shared -> (MapControlError?, Task<Void, Never>?) in
        guard let job = shared.job, job.state == .running || job.state == .paused else {
          return (MapControlError(.conflict, "no map is running or paused"), nil)
        }
        shared.job?.abortRequested = true
        return (nil, shared.jobTask)
      }
      if let refusal { throw refusal }
      // Resumes a paused map's waits too: they end on cancellation.
      task?.cancel()
      _ = await wait { shared in
        guard let job = shared.job else { return true }
        return job.state != .running && job.state != .paused
      }
    }
    return try current()
  }

  /// Whether the spool has been read for unfinished maps at start-up (maps are refused before).
  public var hasReadSpool: Bool { shared.withLock { $0.scanned } }

  /// The current or last map: `map_id`, `state`, `points_done`, `points_total`, `plan`.
  public func current() throws(MapControlError) -> JSONValue {
    guard let value = shared.withLock({ $0.job.map(Self.json) }) else {
      throw MapControlError(.notFound, "no map has run since the daemon started")
    }
    return value
  }

  private static func json(_ job: Job) -> JSONValue {
    var members: [(String, JSONValue)] = [
      ("map_id", .string(job.plan.id)), ("state", .string(job.state.rawValue)),
      ("points_done", .int(Int64(job.pointsDone))), ("points_total", .int(Int64(job.pointsTotal))),
      ("plan", job.plan.recordValue),
    ]
    if let reason = job.endReason { members.append(("reason", .string(reason))) }
    return .object(members)
  }

  private func publishState() {
    if let value = shared.withLock({ $0.job.map(Self.json) }) { publish(value) }
  }

  // MARK: Waiting on state

  /// Changes the shared state and wakes every waiter whose condition now holds.
  @discardableResult
  private func change<T>(_ body: (inout Shared) -> T) -> T {
    let (result, ready) = shared.withLock { shared -> (T, [CheckedContinuation<Bool, Never>]) in
      let result = body(&shared)
      let waiting = shared.waiters
      shared.waiters = []
      let now = shared
      var ready: [CheckedContinuation<Bool, Never>] = []
      for waiter in waiting {
        if waiter.condition(now) {
          ready.append(waiter.continuation)
        } else {
          shared.waiters.append(waiter)
        }
      }
      return (result, ready)
    }
    for continuation in ready { continuation.resume(returning: true) }
    return result
  }

  /// Waits until `condition` holds; false when the task is cancelled first (`cancellable`).
  private func wait(
    cancellable: Bool = true, until condition: @escaping @Sendable (Shared) -> Bool
  ) async -> Bool {
    let id = shared.withLock { shared -> UInt64 in
      shared.nextWaiterID += 1
      return shared.nextWaiterID
    }
    let body = {
      await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
        let now: Bool? = self.shared.withLock { shared in
          if condition(shared) { return true }
          if cancellable && Task.isCancelled { return false }
          shared.waiters.append(Waiter(id: id, condition: condition, continuation: continuation))
          return nil
        }
        if let now { continuation.resume(returning: now) }
      }
    }
    guard cancellable else { return await body() }
    return await withTaskCancellationHandler(operation: body) {
      let waiter = self.shared.withLock { shared -> Waiter? in
        guard let index = shared.waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return shared.waiters.remove(at: index)
      }
      waiter?.continuation.resume(returning: false)
    }
  }

  // MARK: Running

  /// Resumes what the spool says is unfinished, then runs maps as they are started, until
  /// shutdown. Closes the stage at the end.
  public func run() async throws {
    let scan = await offPool { [layout] in SpoolMapScan.scan(layout) }
    for problem in scan.problems {
      logger.warning("map record not read at start-up", metadata: ["problem": "\(problem)"])
    }
    change { $0.usedIDs.formUnion(scan.usedIDs) }
    var unfinished = scan.unfinished
    if let last = unfinished.popLast() {
      for older in unfinished {
        // Only one map runs at a time; an older unfinished one cannot be continued after a
        // newer one started.
        let job = Job(plan: older, recorded: scan.recorded[older.id] ?? [], isDemo: false)
        writeEnd(job, state: .aborted)
        logger.warning(
          "map left unfinished by a newer one, marked aborted", metadata: ["map_id": "\(older.id)"])
      }
      let recorded = scan.recorded[last.id] ?? []
      logger.notice(
        "resuming map after a restart",
        metadata: [
          "map_id": "\(last.id)", "slots_recorded": "\(recorded.count)",
          "slots_total": "\(last.allSlots().count)",
        ])
      do {
        try enqueue(
          last, recorded: recorded, resumed: true, isDemo: last.id.hasPrefix(Self.demoPrefix))
      } catch {
        logger.error("map not resumed", metadata: ["map_id": "\(last.id)", "reason": "\(error)"])
      }
      change { $0.scanned = true }
    } else {
      change { $0.scanned = true }
      startDemoIfConfigured()
    }
    await cancelWhenGracefulShutdown {
      while await self.wait(until: { !$0.queue.isEmpty }) {
        let next = self.shared.withLock { $0.queue.removeFirst() }
        let task = Task { await self.execute(next.plan, resumed: next.resumed) }
        self.shared.withLock { $0.jobTask = task }
        await withTaskCancellationHandler {
          await task.value
        } onCancel: {
          task.cancel()
        }
        let demoAgain = self.shared.withLock { shared -> Bool in
          shared.jobTask = nil
          return shared.job?.isDemo == true && shared.job?.state == .complete
        }
        if demoAgain && !Task.isCancelled { self.startDemoIfConfigured() }
      }
    }
    await stage?.close()
  }

  private static let demoPrefix = "demo-"

  private func startDemoIfConfigured() {
    guard let side = settings.demoSide, side > 0 else { return }
    let (origin, extent) = settings.demoSquare
    let step = side > 1 ? extent / Double(side - 1) : 1
    let number = shared.withLock { shared -> Int in
      shared.demoCount += 1
      return shared.demoCount
    }
    let id =
      Self.demoPrefix + UTCTimestamp.string(from: Date()).filter { $0.isNumber } + "-\(number)"
    do {
      let plan = try ScanPlan(
        id: id,
        region: .rectangle(
          origin: origin, width: step * Double(side - 1), height: step * Double(side - 1)),
        step: step, order: .snake, exposures: settings.demoExposures)
      try enqueue(plan, recorded: [], resumed: false, isDemo: true)
    } catch {
      logger.error("demo map not started", metadata: ["reason": "\(error)"])
    }
  }

  /// Runs one map until it is complete, aborted or the service stops.
  private func execute(_ plan: ScanPlan, resumed: Bool) async {
    publishState()
    let planInSpool = await measure(plan, resumed: resumed)
    let (aborting, complete) = shared.withLock {
      ($0.job?.abortRequested ?? false, $0.job?.isComplete ?? false)
    }
    if aborting {
      // The map-end follows the acquisitions already handed over.
      _ = await wait(cancellable: false) { $0.job?.pending.isEmpty ?? true }
      let reason = shared.withLock { $0.job?.endReason } ?? "aborted"
      finish(state: .aborted, reason: reason, record: planInSpool)
    } else if complete {
      finish(state: .complete, reason: "complete", record: true)
    }
    // Otherwise the service is stopping: no map-end, the map resumes at the next start.
  }

  /// Moves and acquires until every slot is recorded, an abort or cancellation; returns
  /// whether the plan is in the spool.
  private func measure(_ plan: ScanPlan, resumed: Bool) async -> Bool {
    guard let stage else { return resumed }
    let techniques = plan.exposures.techniques
    // The sessions of the plan's techniques have written their run-start: the plan follows.
    guard await wait(until: { Set(techniques).isSubset(of: $0.readyKinds) }) else {
      return resumed
    }
    if !resumed {
      guard !shared.withLock({ $0.job?.abortRequested ?? true }) else { return false }
      guard writePlan(plan) else {
        logger.error("the spool refused the map-plan record", metadata: ["map_id": "\(plan.id)"])
        change { $0.job?.abortRequested = true }
        return false
      }
      guard await wait(until: { $0.writtenPlans.contains(plan.id) }) else { return true }
    }
    desk.activate(techniques)
    defer { desk.deactivate() }
    var backoff = settings.reopenBackoff.lowerBound
    var isOpen = false
    while !Task.isCancelled {
      let (complete, aborting) = shared.withLock {
        ($0.job?.isComplete ?? true, $0.job?.abortRequested ?? true)
      }
      if complete || aborting { break }
      do {
        if !isOpen {
          let identity = try await stage.open()
          isOpen = true
          logger.info(
            "stage open",
            metadata: ["stage": "\(stage.name)", "controller": "\(identity.controller)"])
          change { $0.travel = identity.travel }
          if let travel = identity.travel, let outside = plan.firstPoint(outside: travel) {
            end(plan, because: outside.problem)
            break
          }
        }
        var runner = MapRunner(plan: plan, stage: stage)
        runner.settleTimeout = settings.settleTimeout
        let recorded = shared.withLock { $0.job?.recorded ?? [] }
        _ = try await runner.run(recorded: recorded) { slot, point, measured in
          try await self.take(slot, at: point, measured: measured, plan: plan)
        }
        backoff = settings.reopenBackoff.lowerBound
      } catch is CancellationError {
        break
      } catch StageError.targetOutOfRange(let target, let reason) {
        // Trying again would meet the same refusal: the map ends, saying where and why.
        end(plan, because: "the stage refused to move to \(target): \(reason)")
        break
      } catch {
        logger.error(
          "map interrupted by the stage; reopening it",
          metadata: ["map_id": "\(plan.id)", "error": "\(error)"])
        await stage.close()
        isOpen = false
        guard (try? await Task.sleep(for: backoff)) != nil else { break }
        backoff = min(backoff * 2, settings.reopenBackoff.upperBound)
        continue
      }
      // Acquisitions handed over are analysed and spooled (or refused) before the next look
      // at what is missing.
      guard await wait(until: { $0.job?.pending.isEmpty ?? true }) else { break }
    }
    return true
  }

  /// Ends `plan` as aborted by the service itself, `problem` recorded in its `map-end`.
  private func end(_ plan: ScanPlan, because problem: String) {
    logger.error(
      "map stopped: the stage cannot reach it",
      metadata: ["map_id": "\(plan.id)", "problem": "\(problem)"])
    change { shared in
      shared.job?.abortRequested = true
      shared.job?.endReason = problem
    }
  }

  /// Hands one slot to the session of its technique, again after a failed acquisition, and
  /// returns once the spectrum is acquired. Waits while the map is paused.
  private func take(_ slot: MapSlot, at point: ScanPoint, measured: StagePosition, plan: ScanPlan)
    async throws
  {
    let member = JSONValue.object([
      ("map_id", .string(plan.id)), ("grid_index", .int(Int64(point.index))),
      ("column", .int(Int64(point.column))), ("row", .int(Int64(point.row))),
      ("repeat", .int(Int64(slot.repeatIndex))),
      ("stage_um", .array([.double(measured.x), .double(measured.y)])),
    ])
    let exposure = plan.exposures.seconds(for: slot.technique) ?? 0
    while true {
      guard await wait(until: { $0.job?.state != .paused }) else { throw CancellationError() }
      change { _ = $0.job?.pending.insert(slot) }
      let outcome = await desk.offer(
        kind: slot.technique, mapMember: member, exposureSeconds: exposure)
      switch outcome {
      case .acquired?:
        return
      case .failed(let reason)?:
        change { _ = $0.job?.pending.remove(slot) }
        logger.warning(
          "map acquisition failed; taken again",
          metadata: ["map_id": "\(plan.id)", "slot": "\(slot)", "error": "\(reason)"])
      case .interrupted?, nil:
        change { _ = $0.job?.pending.remove(slot) }
        throw CancellationError()
      }
    }
  }

  private func identity(for kind: InstrumentKind) -> InstrumentIdentity? {
    shared.withLock { $0.identities[kind] }
  }

  private func writePlan(_ plan: ScanPlan) -> Bool {
    guard let kind = plan.exposures.techniques.first, let identity = identity(for: kind) else {
      return false
    }
    return pump.submit(
      .mapPlan(run: runs.current, instrument: identity, plan: plan.recordValue, time: Date()))
  }

  private func writeEnd(_ job: Job, state: State) {
    guard let kind = job.plan.exposures.techniques.first, let identity = identity(for: kind)
    else { return }
    var members: [(String, JSONValue)] = [
      ("map_id", .string(job.plan.id)), ("state", .string(state.rawValue)),
      ("points_done", .int(Int64(job.pointsDone))),
      ("points_total", .int(Int64(job.pointsTotal))),
    ]
    if let reason = job.endReason { members.append(("reason", .string(reason))) }
    let map = JSONValue.object(members)
    if !pump.submit(.mapEnd(run: runs.current, instrument: identity, map: map, time: Date())) {
      logger.error("the spool refused the map-end record", metadata: ["map_id": "\(job.plan.id)"])
    }
  }

  /// Ends the map: its map-end record and live event go out before anyone waiting on the
  /// state (an abort request) is woken, so a caller that sees the end also sees its event.
  private func finish(state: State, reason: String, record: Bool) {
    guard var job = shared.withLock({ $0.job }) else { return }
    job.state = state
    if record { writeEnd(job, state: state) }
    logger.notice(
      "map \(state.rawValue)",
      metadata: [
        "map_id": "\(job.plan.id)", "points_done": "\(job.pointsDone)",
        "points_total": "\(job.pointsTotal)", "reason": "\(reason)",
      ])
    publish(Self.json(job))
    change { $0.job?.state = state }
  }
}
