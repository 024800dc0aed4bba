import WhitlockCore

/// Runs a scan plan on a stage: for each point still missing acquisitions (in plan order, by
/// `MapResume.remaining`), move, wait until settled, wait the plan's settle time, then hand each missing
/// slot with the measured stage position to `acquire`, which takes the exposure and records it.
///
/// The runner keeps no state of its own between runs: what was recorded is the caller's (the
/// spool's), and a run started again after a kill, given what was recorded, takes exactly the
/// slots that are missing. Cancellation stops it between steps (a move in progress is halted
/// with `stop()`), throwing `CancellationError`.
public struct MapRunner: Sendable {
  /// The plan.
  public let plan: ScanPlan
  /// The stage, open.
  public let stage: any MotorizedStage
  /// Longest wait for a move to end.
  public var settleTimeout: Duration = .seconds(60)

  /// A runner for `plan` on `stage` (which the caller has opened).
  public init(plan: ScanPlan, stage: any MotorizedStage) {
    self.plan = plan
    self.stage = stage
  }

  /// What one run did.
  public struct Summary: Sendable, Equatable {
    /// Points visited (moved to) in this run.
    public var points = 0
    /// Slots handed to `acquire` and completed.
    public var acquisitions = 0
    /// Per visited point: seconds from the move command to the settled position.
    public var moveSeconds: [Double] = []
  }

  /// Takes every slot not in `recorded`. `acquire` is called once per slot, in plan order;
  /// when it throws, the run stops with that error (the slot stays missing).
  public func run(
    recorded: Set<MapSlot>,
    acquire: @Sendable (MapSlot, ScanPoint, StagePosition) async throws -> Void
  ) async throws -> Summary {
    var summary = Summary()
    let points = plan.grid.points
    // The slots left, in plan order, grouped by point: the same sequence `MapResume.nextPoint`
    // gives one point at a time, computed once (a 50 × 50 map would otherwise scan the plan
    // again at every point).
    var groups: [(point: ScanPoint, missing: [MapSlot])] = []
    for slot in MapResume.remaining(plan: plan, recorded: recorded) {
      if groups.last?.point.index == slot.pointIndex {
        groups[groups.count - 1].missing.append(slot)
      } else {
        groups.append((points[slot.pointIndex], [slot]))
      }
    }
    for next in groups {
      try Task.checkCancellation()
      let started = ContinuousClock.now
      let measured: StagePosition
      do {
        try await stage.moveAbsolute(to: next.point.position)
        measured = try await stage.waitUntilSettled(timeout: settleTimeout)
      } catch {
        if Task.isCancelled {
          // Not cancellable itself: the halt must reach the controller although this task
          // was cancelled.
          let stage = self.stage
          await Task { try? await stage.stop() }.value
          throw CancellationError()
        }
        throw error
      }
      summary.moveSeconds.append(Self.seconds(ContinuousClock.now - started))
      summary.points += 1
      if plan.settleSeconds > 0 { try await Task.sleep(for: .seconds(plan.settleSeconds)) }
      for slot in next.missing {
        try Task.checkCancellation()
        try await acquire(slot, next.point, measured)
        summary.acquisitions += 1
      }
    }
    return summary
  }

  static func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
  }
}
