/// Exponential back-off between reconnection attempts: doubles from `initial` up to `maximum`,
/// with up to a quarter of random jitter so a fleet of shippers does not reconnect in step after
/// the database returns.
public struct Backoff: Sendable, Equatable {
  public var initial: Duration
  public var maximum: Duration
  private var attempt = 0

  public init(initial: Duration = .milliseconds(500), maximum: Duration = .seconds(30)) {
    self.initial = initial
    self.maximum = maximum
  }

  /// The delay before the next attempt; each call doubles the next one.
  public mutating func next() -> Duration {
    let factor = Double(1 << min(attempt, 20))
    attempt += 1
    let base = min(initial * factor, maximum)
    return base + base * Double.random(in: 0...0.25)
  }

  /// Starts again from `initial` after a success.
  public mutating func reset() { attempt = 0 }
}
