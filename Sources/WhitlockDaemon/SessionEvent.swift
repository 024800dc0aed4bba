import Foundation
import Spool
import WhitlockCore

/// What an instrument session reports as it works, in the order it happens.
///
/// A session emits each event once; everything that reports on sessions reads the same events:
/// the run tallies written into `run-end`, the log (`SessionLog`), `DaemonHealth` (readiness and
/// the systemd watchdog) and the live monitor and metrics (`MonitorBridge`). Tests subscribe a
/// recorder and see exactly what those see.
public enum SessionEvent: Sendable {
  /// Trying to open the device.
  case opening
  /// The device is open and identified; `staleBytes` were left by an earlier client and dropped.
  case opened(InstrumentIdentity, staleBytes: Int)
  /// Opening failed; the session tries again after `retryAfterSeconds` (sooner if the device
  /// arrives). Counted as an error of `run`.
  case openFailed(any Error, staleBytes: Int, retryAfterSeconds: Double, run: RunContext)
  /// The device was plugged in while the session waited to reopen it.
  case deviceArrived
  /// The analysis queue is full: the next acquisition waits for a place instead of being dropped.
  case waitingForAnalysis(queueCapacity: Int)
  /// An acquisition started (it belongs to `run`).
  case acquisitionStarted(RunContext)
  /// An acquisition completed and goes to analysis.
  case acquired(Acquisition, RunContext)
  /// A completed spectrum was analysed and handed to the spool (`spooled`), or refused by a
  /// full spool backlog (then a `.dropped` came first).
  case analysed(AnalysedSpectrum)
  /// A completed spectrum could not be kept.
  case dropped(Acquisition, RunContext, DropReason)
  /// The acquisition in flight ended without a spectrum.
  case interrupted(RunContext, Interruption)
  /// The acquisition failed (device or protocol error); the session reopens the instrument.
  /// `linkLost` when the device went away mid-acquisition, which also counts as interrupted.
  case acquisitionFailed(any Error, RunContext, linkLost: Bool)
  /// The session ended; `summary` is the tally of the run it was in, if it ever opened.
  case closed(RunSummary?)

  /// Why a spectrum was not kept.
  public enum DropReason: String, Sendable {
    /// The analysis queue overflowed (not reached while acquisition waits for room).
    case analysisQueueFull = "analysis-queue-full"
    /// The spool's backlog was full.
    case spoolBacklogFull = "spool-backlog-full"
  }

  /// Why an acquisition in flight ended early.
  public enum Interruption: String, Sendable {
    /// Graceful shutdown, after the grace period.
    case shutdown
    /// The device was unplugged (udev `remove`); the session waits for it to return.
    case deviceRemoved = "device-removed"
  }
}

/// One analysed spectrum, as the session hands it on.
public struct AnalysedSpectrum: Sendable {
  public var acquisition: Acquisition
  public var detection: JSONValue
  public var run: RunContext
  /// Time the detector took on this spectrum.
  public var analysisDuration: Duration
  /// Spectra still waiting for analysis after this one.
  public var queueDepth: Int
  /// Whether the spool took the record.
  public var spooled: Bool

  public init(
    acquisition: Acquisition, detection: JSONValue, run: RunContext, analysisDuration: Duration,
    queueDepth: Int, spooled: Bool
  ) {
    self.acquisition = acquisition
    self.detection = detection
    self.run = run
    self.analysisDuration = analysisDuration
    self.queueDepth = queueDepth
    self.spooled = spooled
  }
}

/// Reads the events of instrument sessions. Calls come from the sessions' acquisition and
/// analysis tasks, in order per instrument, and must return quickly: an observer never blocks
/// and never fails the session.
public protocol SessionObserver: Sendable {
  /// `event` happened in the session of instrument `instrumentID`.
  func observe(_ event: SessionEvent, instrument instrumentID: String)
}
