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
  /// Starts the map whose plan is the JSON `body` (`POST /api/v1/maps`).
  func startMap(_ body: [UInt8]) async throws(MapControlError) -> JSONValue
  /// Pauses, resumes or aborts the current map (`POST /api/v1/maps/current/ACTION`).
  func controlMap(_ action: MapAction) async throws(MapControlError) -> JSONValue
  /// The current or last map (`GET /api/v1/maps/current`).
  func currentMap() throws(MapControlError) -> JSONValue
  /// Takes a dark on one instrument (`POST /api/v1/instruments/ID/dark`); see the extension.
  func takeDark(instrumentID: String, beamBlocked: Bool) async throws -> JSONValue
  /// Acquires and applies a wavenumber-axis calibration on one instrument
  /// (`POST /api/v1/instruments/ID/calibration`); see the extension.
  func calibrateAxis(instrumentID: String, _ request: AxisCalibrationRequest) async throws
    -> JSONValue
}

/// Why a map request was refused: the HTTP status it maps to and a message naming the cause.
public struct MapControlError: Error, Sendable, Equatable, CustomStringConvertible {
  /// How the refusal is answered.
  public enum Kind: Sendable, Equatable {
    /// The plan is invalid (400); the message names the member.
    case invalid
    /// The request conflicts with the daemon's state (409): a map is running, none is, no stage.
    case conflict
    /// There is no map to report (404).
    case notFound
  }

  public var kind: Kind
  public var description: String

  public init(_ kind: Kind, _ description: String) {
    self.kind = kind
    self.description = description
  }
}

/// Map control (`/api/v1/maps`). Backends without a stage keep the defaults, which refuse.
extension MonitorBackend {
  /// Starts the map whose plan is the JSON `body`; returns the map as `GET …/current` shows it.
  public func startMap(_ body: [UInt8]) async throws(MapControlError) -> JSONValue {
    throw MapControlError(.conflict, "this daemon drives no stage")
  }

  /// Pauses (`pause`), resumes (`resume`) or aborts (`abort`) the current map.
  public func controlMap(_ action: MapAction) async throws(MapControlError) -> JSONValue {
    throw MapControlError(.conflict, "this daemon drives no stage")
  }

  /// The current (or last) map: id, state, points done and total, plan.
  public func currentMap() throws(MapControlError) -> JSONValue {
    throw MapControlError(.notFound, "no map has run since the daemon started")
  }
}

/// What can be done to a running map.
public enum MapAction: String, Sendable, CaseIterable {
  case pause
  case resume
  case abort
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

extension MonitorBackend {
  /// Acquires the lamp, silicon and verification standard on `instrumentID`, computes the
  /// calibration and returns its record's `calibration` object; a refusal throws
  /// `ControlRefusal` naming the reason. A backend without instruments refuses.
  public func calibrateAxis(instrumentID: String, _ request: AxisCalibrationRequest) async throws
    -> JSONValue
  {
    throw ControlRefusal(notFound: true, "no instrument \(instrumentID) is calibrated here")
  }
}
