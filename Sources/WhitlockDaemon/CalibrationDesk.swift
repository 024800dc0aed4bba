import Monitor
import Synchronization
import WhitlockCore

/// Which session calibrates which instrument's axis, for the control API.
public final class CalibrationDesk: Sendable {
  private let sessions = Mutex<[String: InstrumentSession]>([:])

  public init() {}

  /// Makes `session` take the calibrations asked for `instrumentID`.
  public func register(_ session: InstrumentSession, for instrumentID: String) {
    sessions.withLock { $0[instrumentID] = session }
  }

  /// Calibrates `instrumentID` and returns its record's `calibration` object.
  public func calibrate(instrumentID: String, _ request: AxisCalibrationRequest) async throws
    -> JSONValue
  {
    guard let session = sessions.withLock({ $0[instrumentID] }) else {
      throw ControlRefusal(notFound: true, "no instrument \(instrumentID) is configured")
    }
    return try await session.requestAxisCalibration(request)
  }
}
