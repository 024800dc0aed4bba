/// How a TANGO stage is driven.
public struct TangoSettings: Sendable, Equatable {
  /// Time for an answer to a `?` instruction.
  public var replyTimeout: Duration = .seconds(1)
  /// How long the line must stay quiet while draining stale input.
  public var drainQuietPeriod: Duration = .milliseconds(60)
  /// Pause between `?statusaxis` polls while waiting for a move to end.
  public var pollInterval: Duration = .milliseconds(5)

  /// The defaults.
  public init() {}
}
