/// Where an XY stage is, in micrometres, in the controller's own coordinates.
///
/// Stage drivers convert to and from the controller's units (Prior counts of its resolution,
/// Märzhäuser µm after `!dim 1 1`); everything above the drivers (scan plans, records) speaks µm.
public struct StagePosition: Sendable, Equatable, Hashable, CustomStringConvertible {
  /// X, µm.
  public var x: Double
  /// Y, µm.
  public var y: Double

  /// A position `x`, `y` in µm.
  public init(x: Double, y: Double) {
    self.x = x
    self.y = y
  }

  /// The larger of the two axis distances to `other`, µm: within a tolerance on both axes.
  public func axisDistance(to other: StagePosition) -> Double {
    max(abs(x - other.x), abs(y - other.y))
  }

  /// `(x, y) µm`.
  public var description: String { "(\(x), \(y)) µm" }
}
