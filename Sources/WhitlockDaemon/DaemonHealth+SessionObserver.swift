import WhitlockCore

extension DaemonHealth: SessionObserver {
  /// Keeps each instrument's entry in step with its session: state, the acquisition in flight
  /// (what the watchdog judges), completed acquisitions and the last error.
  public func observe(_ event: SessionEvent, instrument instrumentID: String) {
    update(instrumentID) { entry in
      switch event {
      case .opened:
        entry.state = .acquiring
        entry.lastError = nil
      case .openFailed(let error, _, _, _):
        entry.state = .waitingForDevice
        entry.lastError = "\(error)"
      case .acquisitionStarted:
        entry.acquiringSince = .now
      case .acquired:
        entry.acquiringSince = nil
        entry.completed += 1
      case .interrupted(_, .shutdown):
        entry.acquiringSince = nil
      case .interrupted(_, .deviceRemoved):
        entry.acquiringSince = nil
        entry.state = .waitingForDevice
      case .acquisitionFailed(let error, _, _):
        entry.acquiringSince = nil
        entry.lastError = "\(error)"
      case .closed:
        entry.acquiringSince = nil
        entry.state = .stopped
      case .opening, .deviceArrived, .waitingForAnalysis, .analysed, .dropped:
        break
      }
    }
  }
}
