import Foundation
import SampleModels
import Synchronization
import WhitlockCore

/// An XY stage simulated in process, without a serial line: the `simulated` stage driver.
///
/// Moves follow the same trapezoidal model as the ProScan and TANGO emulators (`StageMove`),
/// so a map takes the time a real stage would; `waitUntilSettled` sleeps until the modelled
/// end. Its position at any instant is readable without a call to the stage
/// (`position(at:)`), which is how the simulated instruments know what lies under the probe
/// (`SpecimenUnderStage`).
public final class SimulatedStage: MotorizedStage {
  /// The configured name.
  public let name: String
  /// Travel, µm; targets outside are refused.
  public let travel: StageTravel
  /// Motion profile of both axes.
  public let motion: StageAxisMotion

  private struct State {
    var isOpen = false
    var rest: StagePosition
    var move: StageMove?
  }

  private let state: Mutex<State>

  /// A closed stage at `start`; defaults are the ProScan emulator's (10 mm/s, 0.1 m/s²).
  public init(
    name: String = "simulated", travel: StageTravel = ProScanEmulatorSettings().travel,
    motion: StageAxisMotion = StageAxisMotion(speed: 10_000, acceleration: 100_000),
    start: StagePosition = StagePosition(x: 0, y: 0)
  ) {
    self.name = name
    self.travel = travel
    self.motion = motion
    state = Mutex(State(rest: start))
  }

  /// Where the stage is at `now`, moving or not.
  public func position(at now: ContinuousClock.Instant = .now) -> StagePosition {
    state.withLock { state in
      guard let move = state.move else { return state.rest }
      return now >= move.endsAt ? move.to : move.position(at: now)
    }
  }

  public var staleBytesAtLastOpen: Int { 0 }

  public func open() async throws(StageError) -> StageIdentity {
    let now = ContinuousClock.now
    state.withLock { state in
      if let move = state.move {
        state.rest = now >= move.endsAt ? move.to : move.position(at: now)
        state.move = nil
      }
      state.isOpen = true
    }
    return StageIdentity(
      family: "simulated", controller: "whitlockd simulated stage", travel: travel)
  }

  public func moveAbsolute(to target: StagePosition) async throws(StageError) {
    guard travel.contains(target) else {
      throw .targetOutOfRange(target, reason: "outside the simulated stage's travel")
    }
    let now = ContinuousClock.now
    try state.withLock { state throws(StageError) in
      guard state.isOpen else { throw .notOpen }
      let from = state.move.map { now >= $0.endsAt ? $0.to : $0.position(at: now) } ?? state.rest
      state.move = StageMove(from: from, to: target, startedAt: now, x: motion, y: motion)
    }
  }

  public func waitUntilSettled(timeout: Duration) async throws(StageError) -> StagePosition {
    let (end, target) = try state.withLock { state throws(StageError) in
      guard state.isOpen else { throw StageError.notOpen }
      return (state.move?.endsAt, state.move?.to)
    }
    if let end {
      guard end <= .now + timeout else { throw .settleTimeout(after: timeout, target: target) }
      do { try await Task.sleep(until: end, clock: .continuous) } catch {
        throw .disconnected("cancelled while moving")
      }
    }
    return try await position()
  }

  public func position() async throws(StageError) -> StagePosition {
    let open = state.withLock { $0.isOpen }
    guard open else { throw .notOpen }
    return position(at: .now)
  }

  public func stop() async throws(StageError) {
    let now = ContinuousClock.now
    state.withLock { state in
      if let move = state.move {
        state.rest = now >= move.endsAt ? move.to : move.position(at: now)
        state.move = nil
      }
    }
  }

  public func close() async {
    state.withLock { $0.isOpen = false }
  }
}

/// The specimen under a stage: what the simulated instruments measure at each exposure, read
/// from the stage's position at that moment. Shared by reference between the stage and the
/// instruments (equal only to itself).
public final class SpecimenUnderStage: Sendable, Equatable {
  /// The specimen.
  public let specimen: SimulatedSpecimen
  private let position: @Sendable () -> StagePosition

  /// `specimen` under a stage whose position `position` reads.
  public init(specimen: SimulatedSpecimen, position: @escaping @Sendable () -> StagePosition) {
    self.specimen = specimen
    self.position = position
  }

  /// `specimen` under `stage`.
  public convenience init(specimen: SimulatedSpecimen, stage: SimulatedStage) {
    self.init(specimen: specimen, position: { stage.position(at: .now) })
  }

  /// What lies under the probe now.
  public func pointUnderProbe() -> SimulatedPoint {
    specimen.point(at: position())
  }

  public static func == (lhs: SpecimenUnderStage, rhs: SpecimenUnderStage) -> Bool {
    lhs === rhs
  }
}
