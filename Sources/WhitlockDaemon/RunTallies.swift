import Spool
import Synchronization
import WhitlockCore

/// The tally of every run an instrument session took part in, counted from the session's own
/// events, until the session writes that run's `run-end`. Acquisitions count in the run they were
/// started in, even when the run changed before they were analysed.
final class RunTallies: SessionObserver {
  private let tallies = Mutex([String: RunSummary]())

  func observe(_ event: SessionEvent, instrument instrumentID: String) {
    switch event {
    case .openFailed(_, _, _, let run):
      count(run) { $0.errors += 1 }
    case .acquired(_, let run):
      count(run) { $0.acquisitionsCompleted += 1 }
    case .analysed(let analysed) where analysed.spooled:
      count(analysed.run) { $0.acquisitionsSpooled += 1 }
    case .dropped(_, let run, _):
      count(run) { $0.acquisitionsDropped += 1 }
    case .interrupted(let run, _):
      count(run) { $0.acquisitionsInterrupted += 1 }
    case .acquisitionFailed(_, let run, let linkLost):
      count(run) {
        $0.errors += 1
        if linkLost { $0.acquisitionsInterrupted += 1 }
      }
    case .opening, .opened, .deviceArrived, .waitingForAnalysis, .acquisitionStarted, .analysed,
      .closed:
      break
    }
  }

  /// The tally of `runID` so far.
  func current(_ runID: String) -> RunSummary {
    tallies.withLock { $0[runID] } ?? RunSummary(reason: "shutdown")
  }

  /// Removes and returns the tally of `runID`, for its `run-end`.
  func take(_ runID: String) -> RunSummary {
    tallies.withLock { $0.removeValue(forKey: runID) } ?? RunSummary(reason: "")
  }

  private func count(_ run: RunContext, _ update: (inout RunSummary) -> Void) {
    tallies.withLock { update(&$0[run.runID, default: RunSummary(reason: "shutdown")]) }
  }
}
