import Logging
import Synchronization
import WhitlockCore

/// Writes an instrument session's events to the log: one line per event worth a line, with the
/// instrument's id in the metadata.
///
/// Two kinds of line are summarised rather than repeated: waits for a full analysis queue (at most
/// one notice a minute, with the count since the last) and the line faults a driver survived (the
/// increase of its cumulative `link_*` acquisition parameters since the device was opened).
final class SessionLog: SessionObserver {
  private let logger: Logger

  private struct State {
    var waitsSinceNotice = 0
    var lastWaitNotice: ContinuousClock.Instant?
    var linkSeen: [String: Int64] = [:]
  }

  private let state = Mutex(State())

  init(logger: Logger) { self.logger = logger }

  func observe(_ event: SessionEvent, instrument instrumentID: String) {
    switch event {
    case .opening, .acquisitionStarted, .analysed:
      break
    case .opened(let identity, let staleBytes):
      state.withLock { $0.linkSeen = [:] }
      noteStaleBytes(staleBytes)
      logger.info(
        "instrument opened",
        metadata: [
          "model": "\(identity.model)", "serial": "\(identity.serial)",
          "family": "\(identity.family)",
        ])
    case .openFailed(let error, let staleBytes, let retry, _):
      noteStaleBytes(staleBytes)
      logger.error(
        "cannot open instrument; retrying", metadata: ["error": "\(error)", "retry_s": "\(retry)"])
    case .deviceArrived:
      logger.info("device appeared; opening now")
    case .waitingForAnalysis(let capacity):
      noteWait(queueCapacity: capacity)
    case .acquired(let acquisition, _):
      noteLineTrouble(acquisition)
    case .dropped(let acquisition, _, .analysisQueueFull):
      logger.warning(
        "analysis queue full; spectrum dropped",
        metadata: ["device_seq": "\(acquisition.deviceSequence)"])
    case .dropped(let acquisition, _, .spoolBacklogFull):
      logger.error(
        "spool backlog full; result dropped",
        metadata: ["device_seq": "\(acquisition.deviceSequence)"])
    case .interrupted(_, .shutdown):
      logger.notice("acquisition in flight interrupted by shutdown")
    case .interrupted(_, .deviceRemoved):
      logger.warning("device removed; acquisition in flight interrupted, waiting for it")
    case .acquisitionFailed(let error as SaturatedSpectrumError, _, _):
      // Discarded by the acquisition chain; the device is fine and stays open.
      logger.warning("spectrum discarded", metadata: ["error": "\(error)"])
    case .acquisitionFailed(let error, _, _):
      state.withLock { $0.linkSeen = [:] }
      logger.error("acquisition failed; reopening instrument", metadata: ["error": "\(error)"])
    case .closed(let summary):
      guard let summary else { return }
      logger.info(
        "session ended",
        metadata: [
          "completed": "\(summary.acquisitionsCompleted)",
          "spooled": "\(summary.acquisitionsSpooled)",
          "interrupted": "\(summary.acquisitionsInterrupted)",
          "dropped": "\(summary.acquisitionsDropped)", "errors": "\(summary.errors)",
        ])
    }
  }

  /// Names the bytes an open drained: a killed predecessor's unfinished acquisition.
  private func noteStaleBytes(_ bytes: Int) {
    guard bytes > 0 else { return }
    logger.notice(
      "dropped stale replies at open; a previous client left them unread",
      metadata: ["stale_bytes": "\(bytes)"])
  }

  private func noteWait(queueCapacity: Int) {
    let now = ContinuousClock.now
    let waits = state.withLock { state -> Int? in
      state.waitsSinceNotice += 1
      guard state.lastWaitNotice.map({ now - $0 >= .seconds(60) }) ?? true else { return nil }
      defer {
        state.lastWaitNotice = now
        state.waitsSinceNotice = 0
      }
      return state.waitsSinceNotice
    }
    guard let waits else { return }
    logger.notice(
      "analysis queue full; acquisition waits for the detector instead of dropping spectra",
      metadata: ["queue_capacity": "\(queueCapacity)", "waits_since_last_notice": "\(waits)"])
  }

  /// Logs the line faults a driver survived during `acquisition`: retries and resynchronisations
  /// keep the data flowing, but a noisy line should be visible before it breaks.
  private func noteLineTrouble(_ acquisition: Acquisition) {
    var increments: Logger.Metadata = [:]
    state.withLock { state in
      for (name, value) in acquisition.parameters where name.hasPrefix("link_") {
        guard let number = value.doubleValue.map({ Int64($0) }) else { continue }
        let kind = String(name.dropFirst(5))
        let increase = number - (state.linkSeen[kind] ?? 0)
        state.linkSeen[kind] = number
        if increase > 0 { increments[kind] = "\(increase)" }
      }
    }
    guard !increments.isEmpty else { return }
    increments["device_seq"] = "\(acquisition.deviceSequence)"
    logger.warning("line trouble survived", metadata: increments)
  }
}
