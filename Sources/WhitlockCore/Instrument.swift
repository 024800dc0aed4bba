/// A spectrometer or XRF detector that whitlockd can open and acquire from.
///
/// Drivers implement this over a transport; simulated instruments implement it in process. Every
/// call may throw an `InstrumentError` that says what went wrong in words an operator can act on.
public protocol Instrument: Sendable {
  /// The configured name of this instrument.
  var configuredID: String { get }
  /// The technique this instrument measures with.
  var kind: InstrumentKind { get }

  /// Opens the device, drains stale replies, resynchronises and identifies it.
  func open() async throws -> InstrumentIdentity
  /// Acquires one complete spectrum. Cancellation aborts an exposure in progress.
  func acquire() async throws -> Acquisition
  /// Releases the device; safe to call more than once and after a failure.
  func close() async
}

/// Why an instrument call failed, phrased for the log and the operator.
public struct InstrumentError: Error, Sendable, CustomStringConvertible {
  /// Broad class of failure, used for metrics and recovery policy.
  public enum Category: String, Sendable {
    case notFound = "not-found"
    case permission
    case disconnected
    case timeout
    case protocolViolation = "protocol"
    case deviceRejected = "device-rejected"
    case configuration
  }

  public var category: Category
  public var message: String

  public init(_ category: Category, _ message: String) {
    self.category = category
    self.message = message
  }

  public var description: String { "\(category.rawValue): \(message)" }
}

/// An instrument whose acquisition keeps running on the device when the link goes away and is
/// delivered after the next `open()` (the DP5 finishes its preset and reports it on reopen).
///
/// The daemon counts an acquisition cut short by a vanished link as interrupted in `run-end`,
/// except for these instruments, where it arrives later as data and must not be counted twice.
public protocol RecoversAcquisitionAfterReconnect: Instrument {}

/// An instrument that empties its device's reply endpoints or line when it opens, so replies a
/// killed predecessor left behind are never taken for its own. The daemon logs what was dropped:
/// those bytes were someone's unfinished acquisition, never a result.
public protocol DrainsStaleRepliesAtOpen: Instrument {
  /// Bytes dropped by the latest `open()`, whether or not that open then succeeded.
  var staleBytesAtLastOpen: Int { get async }
}
