import Foundation
import Spool
import WhitlockCore

/// What an instrument session reports as it works, for live monitoring (events and metrics).
///
/// Calls come from the session's acquisition and analysis tasks and must return quickly: an
/// observer never blocks and never fails the session.
public protocol SessionObserver: Sendable {
  /// The instrument's connection changed.
  func instrumentStateChanged(_ instrumentID: String, _ state: InstrumentState)
  /// A spectrum was analysed (and handed to the spool) as part of `run`.
  func acquisitionAnalysed(
    _ acquisition: Acquisition, detection: JSONValue, run: RunContext,
    analysisDuration: Duration, queueDepth: Int)
  /// A completed spectrum could not be kept (analysis queue or spool backlog full).
  func acquisitionDropped(_ instrumentID: String)
  /// The next acquisition waits for room in the full analysis queue (analysis is behind).
  func acquisitionWaitedForAnalysis(_ instrumentID: String)
  /// A device or protocol error happened (open, acquire).
  func errorOccurred(_ instrumentID: String, _ error: any Error)
}

/// An instrument's connection state as the live view shows it.
public enum InstrumentState: Sendable, Equatable {
  /// Trying to open the device.
  case opening
  /// Open and acquiring.
  case open(InstrumentIdentity)
  /// The last attempt failed; the session retries.
  case failed(String)
  /// The device was unplugged; the session resumes when it returns.
  case waitingForDevice
  /// Closed for good (shutdown).
  case closed

  /// The state's name in the API: `opening`, `open`, `failed`, `waiting-for-device`,
  /// `closed`.
  public var name: String {
    switch self {
    case .opening: return "opening"
    case .open: return "open"
    case .failed: return "failed"
    case .waitingForDevice: return "waiting-for-device"
    case .closed: return "closed"
    }
  }
}
