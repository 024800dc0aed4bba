import WhitlockCore

/// A point-to-point move of an emulated XY stage: both axes start together, each follows its
/// own trapezoid (`StageAxisMotion`), and the move ends when the slower axis arrives.
public struct StageMove: Sendable, Equatable {
  /// Where the move starts, µm.
  public var from: StagePosition
  /// Where it ends, µm.
  public var to: StagePosition
  /// When it starts.
  public var startedAt: ContinuousClock.Instant
  /// The X axis's motion profile.
  public var x: StageAxisMotion
  /// The Y axis's motion profile.
  public var y: StageAxisMotion

  /// A move from `from` to `to` starting at `startedAt`.
  public init(
    from: StagePosition, to: StagePosition, startedAt: ContinuousClock.Instant,
    x: StageAxisMotion, y: StageAxisMotion
  ) {
    self.from = from
    self.to = to
    self.startedAt = startedAt
    self.x = x
    self.y = y
  }

  /// Seconds the X and the Y axis need.
  public var axisSeconds: (x: Double, y: Double) {
    (x.duration(distance: to.x - from.x), y.duration(distance: to.y - from.y))
  }

  /// Seconds until both axes rest: the modelled move time.
  public var seconds: Double { max(axisSeconds.x, axisSeconds.y) }

  /// When the move ends.
  public var endsAt: ContinuousClock.Instant { startedAt + .seconds(seconds) }

  /// Where the stage is at `now`.
  public func position(at now: ContinuousClock.Instant) -> StagePosition {
    let elapsed = Self.seconds(now - startedAt)
    let dx = to.x - from.x
    let dy = to.y - from.y
    return StagePosition(
      x: from.x + (dx < 0 ? -1 : 1) * x.travelled(after: elapsed, distance: dx),
      y: from.y + (dy < 0 ? -1 : 1) * y.travelled(after: elapsed, distance: dy))
  }

  /// Which axes are still moving at `now`.
  public func moving(at now: ContinuousClock.Instant) -> (x: Bool, y: Bool) {
    let elapsed = Self.seconds(now - startedAt)
    let (sx, sy) = axisSeconds
    return (elapsed < sx, elapsed < sy)
  }

  static func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
  }
}
