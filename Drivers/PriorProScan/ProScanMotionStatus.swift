/// The reply to `$`: a decimal number whose bits say which axes are moving (bit 0 X, bit 1 Y),
/// as the ProScan manual describes the motion status and Micro-Manager's Prior adapter reads it.
public struct ProScanMotionStatus: OptionSet, Sendable, Hashable {
  public var rawValue: Int
  public init(rawValue: Int) { self.rawValue = rawValue }

  /// The X axis is moving.
  public static let x = Self(rawValue: 1)
  /// The Y axis is moving.
  public static let y = Self(rawValue: 2)

  /// Whether X or Y is moving.
  public var xyMoving: Bool { !intersection([.x, .y]).isEmpty }
}
