/// One stage axis moving point to point with a trapezoidal speed profile: constant
/// acceleration up to `speed`, cruise, the same deceleration to rest (a triangle when the
/// distance is too short to reach `speed`). The emulated stages time their moves with it, so a
/// map's per-point overhead can be compared with the move time the model predicts.
public struct StageAxisMotion: Sendable, Equatable {
  /// Top speed, µm/s.
  public var speed: Double
  /// Acceleration and deceleration, µm/s².
  public var acceleration: Double

  /// An axis with `speed` µm/s and `acceleration` µm/s² (both positive).
  public init(speed: Double, acceleration: Double) {
    self.speed = max(speed, 1e-9)
    self.acceleration = max(acceleration, 1e-9)
  }

  /// Seconds to travel `distance` µm from rest to rest:
  /// d ≥ v²/a: d/v + v/a; else 2·√(d/a).
  public func duration(distance: Double) -> Double {
    let d = abs(distance)
    guard d > 0 else { return 0 }
    let rampDistance = speed * speed / acceleration
    if d >= rampDistance { return d / speed + speed / acceleration }
    return 2 * (d / acceleration).squareRoot()
  }

  /// µm covered `elapsed` seconds into a move of `distance` µm (0 … |distance|).
  public func travelled(after elapsed: Double, distance: Double) -> Double {
    let d = abs(distance)
    let total = duration(distance: d)
    guard elapsed > 0 else { return 0 }
    guard elapsed < total else { return d }
    let peak = min(speed, (d * acceleration).squareRoot())
    let ramp = peak / acceleration
    if elapsed <= ramp { return 0.5 * acceleration * elapsed * elapsed }
    let rampDistance = 0.5 * acceleration * ramp * ramp
    let cruiseEnd = total - ramp
    if elapsed <= cruiseEnd { return rampDistance + peak * (elapsed - ramp) }
    let left = total - elapsed
    return d - 0.5 * acceleration * left * left
  }
}
