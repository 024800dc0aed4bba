import NetworkSettings
import WhitlockCore

/// What the monitor asks of the daemon it observes. The daemon implements it; the monitor stays
/// free of acquisition and spool types, and tests can stand in a backend of their own.
public protocol MonitorBackend: Sendable {
  /// The document served by `GET /api/v1/status`: instruments, current run, spool.
  func status() -> JSONValue
  /// `nil` when ready to acquire and spool, else the reason it is not, in full (paths, database
  /// users and hosts): for the log and `GET /api/v1/status`.
  func notReadyReason() -> String?
  /// The same reason without paths, users or hosts, for `GET /readyz`, which answers anyone who
  /// can reach the port.
  func notReadySummary() -> String?
  /// Called before every `/metrics` scrape, to sample values kept elsewhere (spool counters).
  func refreshMetrics()
  /// Ends the current run and starts the requested one; returns the new run as JSON.
  func startRun(_ request: RunRequest) async throws -> JSONValue
  /// Ends the current run; returns what the instruments continue in, as JSON.
  func stopRun() async throws -> JSONValue
  /// Takes a dark on one instrument (`POST /api/v1/instruments/ID/dark`); see the extension.
  func takeDark(instrumentID: String, beamBlocked: Bool) async throws -> JSONValue
}

/// Why the daemon could not do what a control request asked, with the HTTP status it answers.
public struct ControlRefusal: Error, Sendable, CustomStringConvertible {
  /// 404 for an unknown instrument, 409 for a request the instrument cannot serve now.
  public var notFound: Bool
  public var description: String

  public init(notFound: Bool = false, _ description: String) {
    self.notFound = notFound
    self.description = description
  }
}

extension MonitorBackend {
  /// Takes a dark on `instrumentID` between two spectra and returns it as JSON; `beamBlocked`
  /// confirms that the operator blocked the beam of an instrument lit from outside. A backend
  /// without instruments refuses.
  public func takeDark(instrumentID: String, beamBlocked: Bool) async throws -> JSONValue {
    throw ControlRefusal(notFound: true, "no instrument \(instrumentID) takes darks here")
  }
}
