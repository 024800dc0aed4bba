/// How a ProScan stage is driven.
public struct ProScanSettings: Sendable, Equatable {
  /// Time for a property reply (the controller answers at once; the line is 9600 baud by
  /// default, about 1 ms per character).
  public var replyTimeout: Duration = .seconds(1)
  /// How long the line must stay quiet while draining stale input.
  public var drainQuietPeriod: Duration = .milliseconds(60)
  /// `SMS` to set at open, per cent of the stage's top speed; `nil` keeps the controller's.
  public var maximumSpeedPercent: Int?
  /// `SAS` to set at open, per cent; `nil` keeps the controller's.
  public var accelerationPercent: Int?

  /// The defaults.
  public init() {}
}
