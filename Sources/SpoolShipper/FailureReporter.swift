import Logging

/// Logs a persistent failure once, with its cause, instead of once per retry: the first failure
/// and any change of cause as an error, a reminder with the attempt count every minute while it
/// lasts, and a notice when it is over.
struct FailureReporter {
  static let reminderInterval: Duration = .seconds(60)

  private let logger: Logger
  private var current: String?
  private var attempts = 0
  private var lastReport = ContinuousClock.now

  init(logger: Logger) { self.logger = logger }

  /// Whether a failure is being reported.
  var isFailing: Bool { current != nil }

  mutating func failed(_ message: String, backlogSegments: Int, retryIn delay: Duration) {
    attempts += 1
    let now = ContinuousClock.now
    let metadata: Logger.Metadata = [
      "backlog_segments": "\(backlogSegments)", "retry_in": "\(delay)",
    ]
    if message != current {
      current = message
      attempts = 1
      lastReport = now
      logger.error("shipping to PostgreSQL failed: \(message)", metadata: metadata)
    } else if now - lastReport >= Self.reminderInterval {
      lastReport = now
      logger.warning(
        "shipping to PostgreSQL still failing after \(attempts) attempts: \(message)",
        metadata: metadata)
    } else {
      logger.debug("attempt \(attempts) failed the same way: \(message)", metadata: metadata)
    }
  }

  mutating func recovered(_ note: String, backlogSegments: Int) {
    guard current != nil else { return }
    logger.notice(
      "\(note) after \(attempts) failed attempts",
      metadata: ["backlog_segments": "\(backlogSegments)"])
    current = nil
    attempts = 0
  }
}
