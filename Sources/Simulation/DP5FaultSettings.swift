/// Faults a simulated DP5 link injects, each with its own probability per reply, drawn from a
/// seeded generator so a faulty run can be repeated.
public struct DP5FaultSettings: Sendable, Equatable {
  /// Probability that 1–24 random bytes precede a reply.
  public var garbageProbability = 0.0
  /// Probability that a reply's checksum is corrupted.
  public var corruptChecksumProbability = 0.0
  /// Probability that only the first part of a reply is sent (the rest is lost on the line).
  public var truncateProbability = 0.0
  /// Probability that a request is executed but its reply never sent.
  public var dropReplyProbability = 0.0
  /// Probability that a reply is held back for `delaySeconds`.
  public var delayReplyProbability = 0.0
  /// How long a delayed reply is held back, s.
  public var delaySeconds = 0.3
  /// Probability that a request is refused with ACK 0x0D (busy) instead of executed.
  public var busyProbability = 0.0
  /// Hang up the link after this many requests on it (then reconnect), if set.
  public var disconnectAfterRequests: Int?
  /// Stop hanging up after this many disconnects, if set, so a test can end on a stable link.
  public var maximumDisconnects: Int?
  /// Seed of the fault generator.
  public var seed: UInt64 = 7

  /// No faults.
  public init() {}

  /// Whether any fault is enabled.
  public var isActive: Bool {
    garbageProbability > 0 || corruptChecksumProbability > 0 || truncateProbability > 0
      || dropReplyProbability > 0
      || delayReplyProbability > 0 || busyProbability > 0 || disconnectAfterRequests != nil
  }
}
